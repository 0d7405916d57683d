package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import com.google.gson.JsonObject;
import org.hospital.incidents.stream.config.CheckpointSettings;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.Lines;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts and upgrades on a real Kafka broker and real Spark (DESIGN.md "Restarts and upgrades"): a new
 * checkpoint carries the totals on and counts replayed reports once; a changed flag with an old checkpoint is
 * refused; a second driver on a live group is refused without disturbing the first; a run from another working
 * directory reads the installation's configuration.
 */
class RestartsIT {

    private static LocalKafka kafka;

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new LocalKafka();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private String[] args(String topic, String group, String checkpoint, int runSeconds, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--kafka", kafka.bootstrap(), "--topics", topic,
                "--group-id", group, "--checkpoint", temp.resolve(checkpoint).toString(),
                "--output", temp.resolve("out").toString(), "--archive", temp.resolve("archive").toString(),
                "--window-seconds", "4", "--slide-seconds", "2", "--run-seconds", Integer.toString(runSeconds)));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static long accepted(Corpus corpus) {
        return corpus.totals().values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void anUpgradeWithANewCheckpointCarriesTotalsOnAndCountsReplayedReportsOnce() throws Exception {
        String topic = "upgrade";
        kafka.createTopic(topic, 3);
        OutputFolder out = new OutputFolder(temp.resolve("out"));
        Corpus first = Corpora.fresh(12001, 900);
        kafka.produce(topic, first.lines());
        assertEquals(0, InProcessJob.run(args(topic, "upgrade-1", "checkpoint-1", 15)));
        Corpora.assertOutputsMatch(out, first);

        // A flag that shapes the graph, changed with the old checkpoint: refused, naming it, nothing started.
        InProcessJob.Outcome changed = InProcessJob.runCapturingStderr(args(topic, "upgrade-1", "checkpoint-1", 15,
                "--surge-threshold", "3"));
        assertEquals(2, changed.status(), changed.stderr());
        assertTrue(changed.stderr().contains("--surge-threshold: '10' in the checkpoint, '3' now")
                && changed.stderr().contains("new --checkpoint directory"), changed.stderr());
        Corpora.assertOutputsMatch(out, first);

        // The upgrade: a new checkpoint, and a consumer group whose offsets were lost (the worst case of "the
        // batches after the last committed offsets"): the whole first corpus is read again, and a second one
        // arrives. Totals continue from the ward-totals lines; every replayed report is a duplicate; malformed
        // lines are rejected again; no CRITICAL alert is raised twice.
        Corpus second = Corpora.fresh(12002, 600);
        kafka.produce(topic, second.lines());
        assertEquals(0, InProcessJob.run(args(topic, "upgrade-2", "checkpoint-2", 20)));
        Corpora.assertOutputsMatch(out, first.malformed() + (int) accepted(first), first, second);
        long duplicates = out.records("rejected").stream()
                .filter(r -> r.get("reason").getAsString().startsWith("duplicate eventId (first seen ")).count();
        assertEquals(accepted(first), duplicates, "each replayed report rejected as a duplicate");
        assertTrue(Files.exists(temp.resolve("checkpoint-2").resolve(CheckpointSettings.FILE_NAME)));
    }

    @Test
    void aBurstSpanningANewCheckpointPagesOnceAndTheClockCarriesOn() throws Exception {
        String topic = "burst";
        kafka.createTopic(topic, 3);
        OutputFolder out = new OutputFolder(temp.resolve("out"));
        // Nine reports of one burst (threshold 10, 4 s windows) in ward B-1, and the newest occurredAt of the run.
        Instant start = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        List<String> before = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            before.add(Lines.incidentAt("BURST-" + i, "B-1", "mild", start.plusMillis(100 * i).toString()));
        }
        before.add(Lines.incidentAt("CLOCK", "B-2", "mild", start.plusSeconds(60).toString()));
        kafka.produce(topic, before);
        assertEquals(0, InProcessJob.run(args(topic, "burst-1", "checkpoint-b1", 12)));
        assertEquals(List.of(), surges(out), "nine reports: under the threshold");

        // A new checkpoint (an upgrade): the tenth report of the burst arrives, and one from more than the allowed
        // lateness (3600 s) before the newest occurredAt of the first run.
        kafka.produce(topic, List.of(Lines.incidentAt("BURST-9", "B-1", "mild", start.plusMillis(900).toString()),
                Lines.incidentAt("LATE", "B-3", "mild", start.plusSeconds(60 - 3601).toString())));
        assertEquals(0, InProcessJob.run(args(topic, "burst-1", "checkpoint-b2", 12)));
        List<JsonObject> surges = surges(out);
        assertEquals(1, surges.size(), "the burst's tenth report pages, with the nine counted before: " + surges);
        assertEquals("B-1", surges.get(0).get("wardId").getAsString());
        assertEquals(10, surges.get(0).get("count").getAsLong());
        Map<String, JsonObject> totals = out.latestWardTotals();
        assertEquals(10, totals.get("B-1").get("total").getAsLong());
        assertEquals(1, totals.get("B-3").get("late").getAsLong(), "the event-time clock carried on: " + totals);
    }

    private static List<JsonObject> surges(OutputFolder out) throws java.io.IOException {
        return out.records("alerts").stream().filter(a -> a.get("type").getAsString().equals("SURGE")).toList();
    }

    @Test
    void aSecondDriverOnALiveGroupIsRefusedAndTheFirstGoesOnUndisturbed() throws Exception {
        String topic = "lease";
        kafka.createTopic(topic, 3);
        Corpus corpus = Corpora.fresh(12101, 900);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return InProcessJob.run(args(topic, "lease-group", "checkpoint-live", 35));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The first driver holds the lease once its stream runs: wait for its first batch folder.
        kafka.produce(topic, corpus.lines().subList(0, 100));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.isDirectory(temp.resolve("out").resolve("ward-totals")) && !first.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the first job wrote nothing in 120 s");
            }
            Thread.sleep(250);
        }
        Scripts.Result second = Scripts.run(Map.of(), 180, "incident-stream", "--kafka", kafka.bootstrap(),
                "--topics", topic, "--group-id", "lease-group",
                "--checkpoint", temp.resolve("checkpoint-second").toString(),
                "--output", temp.resolve("out-second").toString(), "--archive", "none", "--run-seconds", "10");
        assertEquals(2, second.exitCode(), second.stderr());
        assertTrue(second.stderr().contains("a live driver uses --group-id lease-group"), second.stderr());
        assertTrue(second.stderr().contains("--takeover"), second.stderr());

        kafka.produce(topic, corpus.lines().subList(100, corpus.lines().size()));
        assertEquals(0, first.get(3, TimeUnit.MINUTES));
        Corpora.assertOutputsMatch(new OutputFolder(temp.resolve("out")), corpus);
        assertTrue(!Files.exists(temp.resolve("out-second")), "the refused driver wrote nothing");
    }

    @Test
    void startedFromAnotherDirectoryItReadsTheInstallationsConfiguration() throws Exception {
        Path elsewhere = temp.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        Path log = temp.resolve("elsewhere.log");
        Process job = new ProcessBuilder(Scripts.projectDir().resolve("bin/incident-stream").toString(),
                "--socket", "127.0.0.1:" + Scripts.freePort(), "--run-seconds", "4")
                .directory(elsewhere.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(job.waitFor(3, TimeUnit.MINUTES));
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, job.exitValue(), text);
        assertTrue(text.contains("Configuration: built-in defaults, then "
                + Scripts.projectDir().resolve("config/application.properties")), text);
        // Relative defaults resolve against the working directory, as documented.
        Path settings = elsewhere.resolve("data/checkpoint").resolve(CheckpointSettings.FILE_NAME);
        assertTrue(Files.exists(settings), text);
        assertTrue(Files.readString(settings).contains("spark.streaming.backpressure.enabled=true"));
        assertTrue(Files.exists(elsewhere.resolve("data/pseudonym.key")));
    }
}

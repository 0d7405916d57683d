package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.DriverLog;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.testing.TestKeys;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-qualification loop end to end: the job on Kafka under SparkSubmit, {@code bin/incident-review
 * list} shows exactly the unclassified reports, a {@code --decisions} file re-qualifies some through Kafka, the
 * driver is SIGKILLed between the two, and after the restart the counts have moved exactly once and {@code list}
 * shows only the rest.
 */
class RequalificationIT {

    private static final String TOPIC = "requal-it";

    @TempDir
    Path temp;

    @Test
    void pendingReportsAreRequalifiedThroughKafkaExactlyOnceAcrossADriverKill() throws Exception {
        try (LocalKafka kafka = new LocalKafka()) {
            kafka.createTopic(TOPIC, 3);
            Corpus corpus = Corpora.fresh(13001, 900);
            // The unclassified reports, as the job's own parser sees them.
            IncidentParser parser = new IncidentParser(TestKeys.pseudonymizer());
            Map<String, String> unclassified = new TreeMap<>();
            for (String line : corpus.lines()) {
                if (line.isBlank()) {
                    continue;
                }
                ParseResult result = parser.parse(new SourcedLine(line, "test"), 0);
                if (result.isAccepted() && result.incident().category() == EventCategory.UNCLASSIFIED) {
                    Incident incident = result.incident();
                    unclassified.put(incident.eventId(), incident.wardId());
                }
            }
            assertTrue(unclassified.size() >= 10, "the corpus has unclassified reports: " + unclassified.size());

            Path config = TestFiles.configWith(temp.resolve("app.properties"),
                    "pseudonym-key-file=" + temp.resolve("pseudonym.key") + "\n");
            String out = temp.resolve("out").toString();
            List<String> args = List.of("--kafka", kafka.bootstrap(), "--topics", TOPIC, "--group-id", "requal-it",
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", out,
                    "--archive", temp.resolve("archive").toString(), "--config", config.toString(),
                    "--window-seconds", "4", "--slide-seconds", "2");
            kafka.produce(TOPIC, corpus.lines());
            Path log = temp.resolve("run-1.out");
            Process driver = Scripts.start(log, "incident-stream", args.toArray(new String[0]));
            awaitTotals(new OutputFolder(temp.resolve("out")), corpus, driver, log);

            Scripts.Result list = Scripts.run(Map.of(), 120, "incident-review", "--output", out, "list");
            assertEquals(0, list.exitCode(), list.stderr());
            List<String> listed = list.stdout().lines().filter(l -> !l.endsWith(" pending"))
                    .map(l -> l.split("\\s+")[0]).sorted().toList();
            assertEquals(List.copyOf(unclassified.keySet()), listed, "list shows exactly the unclassified reports");
            assertTrue(list.stdout().contains(unclassified.size() + " pending"), list.stdout());

            // Half of them decided, alternately fall and medication; one line refused (not pending).
            List<String> ids = new ArrayList<>(unclassified.keySet());
            Map<String, Map<String, Long>> moved = new HashMap<>();
            StringBuilder csv = new StringBuilder("eventId,category\n");
            for (int i = 0; i < ids.size() / 2; i++) {
                String category = i % 2 == 0 ? "fall" : "medication";
                csv.append(ids.get(i)).append(',').append(category).append('\n');
                moved.computeIfAbsent(unclassified.get(ids.get(i)), w -> new TreeMap<>()).merge(category, 1L,
                        Long::sum);
            }
            csv.append("NOT-AN-EVENT,fall\n");
            Path decisions = Files.writeString(temp.resolve("decisions.csv"), csv);
            Scripts.Result sent = Scripts.run(Map.of(), 120, "incident-review", "--output", out, "requalify",
                    "--decisions", decisions.toString(), "--reviewer", "dr.lee", "--kafka", kafka.bootstrap(),
                    "--topic", TOPIC);
            assertEquals(1, sent.exitCode(), sent.stdout() + sent.stderr());
            assertTrue(sent.stdout().contains(ids.size() / 2 + " sent, 1 refused"), sent.stdout());

            // SIGKILL right after the decisions are in Kafka, then a restart from the same checkpoint.
            driver.destroyForcibly();
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
            List<String> last = new ArrayList<>(args);
            last.addAll(List.of("--run-seconds", "25"));
            Path log2 = temp.resolve("run-2.out");
            Process restarted = Scripts.start(log2, "incident-stream", last.toArray(new String[0]));
            assertTrue(restarted.waitFor(4, TimeUnit.MINUTES), "the restarted run ends");
            assertEquals(0, restarted.exitValue(), Files.readString(log2));

            OutputFolder folder = new OutputFolder(temp.resolve("out"));
            Map<String, JsonObject> latest = folder.latestWardTotals();
            assertEquals(corpus.totals(), folder.totals(), "totals unchanged by re-qualification");
            for (Map.Entry<String, Map<String, Long>> ward : corpus.byCategory().entrySet()) {
                Map<String, Long> expected = new TreeMap<>(ward.getValue());
                long requalified = 0;
                for (Map.Entry<String, Long> m : moved.getOrDefault(ward.getKey(), Map.of()).entrySet()) {
                    expected.merge(m.getKey(), m.getValue(), Long::sum);
                    expected.merge("unclassified", -m.getValue(), Long::sum);
                    requalified += m.getValue();
                }
                expected.values().removeIf(n -> n == 0);
                JsonObject total = latest.get(ward.getKey());
                assertEquals(expected, OutputFolder.counts(total.getAsJsonObject("byCategory")),
                        "byCategory of " + ward.getKey());
                assertEquals(requalified, total.get("requalified").getAsLong(), "requalified in " + ward.getKey());
            }
            assertEquals(ids.size() / 2, folder.records("requalifications").size(), "each applied once");
            // The audit trail: who re-qualified which report, once each, with nothing of the patient.
            List<JsonObject> audit = folder.records("audit").stream()
                    .filter(a -> a.get("action").getAsString().equals("requalification-applied")).toList();
            assertEquals(new TreeSet<>(ids.subList(0, ids.size() / 2)), new TreeSet<>(audit.stream()
                    .map(a -> a.get("eventId").getAsString()).toList()), "an audit line per applied requalification");
            assertEquals(ids.size() / 2, audit.size());
            for (JsonObject line : audit) {
                assertEquals("dr.lee", line.get("reviewedBy").getAsString());
                assertEquals("unclassified", line.get("fromCategory").getAsString());
                assertTrue(!line.has("description") && !line.has("patientRef") && !line.has("patientToken"), line
                        .toString());
            }
            assertEquals(corpus.malformed(), folder.records("rejected").size(), "nothing else rejected");

            Scripts.Result after = Scripts.run(Map.of(), 120, "incident-review", "--output", out, "list");
            List<String> remaining = after.stdout().lines().filter(l -> !l.endsWith(" pending"))
                    .map(l -> l.split("\\s+")[0]).sorted().toList();
            assertEquals(ids.subList(ids.size() / 2, ids.size()), remaining, "list no longer shows them");
            assertTrue(new TreeSet<>(listed).containsAll(remaining));
        }
    }

    private static void awaitTotals(OutputFolder out, Corpus corpus, Process driver, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try {
                Corpora.assertOutputsMatch(out, corpus);
                return;
            } catch (AssertionError | java.io.IOException | RuntimeException e) {
                // Read while the job writes: a batch's files can appear between two reads of the folder.
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    throw new AssertionError("the job did not count the corpus: " + new DriverLog(log, driver)
                            .text(), e);
                }
                Thread.sleep(1000);
            }
        }
    }
}

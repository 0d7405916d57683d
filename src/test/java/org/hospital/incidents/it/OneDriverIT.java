package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.hospital.incidents.stream.restart.CheckpointLock;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Race;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One driver per checkpoint, as an operator meets it when a service is started twice (docs/DESIGN.md "One driver,
 * alerts exactly once…"): two {@code bin/incident-stream} processes started in the same instant with the same
 * checkpoint, output and group — on a socket, and on Kafka — end with exactly one streaming and the other exiting 2
 * with one line; the outputs, {@code rejected/} included, are exactly the corpus's. On HDFS, the atomic create that
 * decides is the NameNode's: of eight drivers racing for one checkpoint, one wins.
 */
class OneDriverIT {

    @TempDir
    Path temp;

    @Test
    void twoSocketDriversStartedTogetherEndWithOneStreaming() throws Exception {
        Corpus corpus = Corpora.fresh(3401, 600);
        try (LineServer server = new LineServer(corpus.lines())) {
            List<String> args = List.of("--socket", "127.0.0.1:" + server.port());
            runTwo(args, corpus);
        }
    }

    @Test
    void twoKafkaDriversStartedTogetherEndWithOneStreaming() throws Exception {
        Corpus corpus = Corpora.fresh(3402, 600);
        try (LocalKafka kafka = new LocalKafka()) {
            kafka.createTopic("one-driver", 2);
            kafka.produce("one-driver", corpus.lines());
            runTwo(List.of("--kafka", kafka.bootstrap(), "--topics", "one-driver", "--group-id", "one-driver"),
                    corpus);
        }
    }

    @Test
    void onHdfsEightDriversRaceAndOneWins() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(temp.resolve("hdfs"))) {
            String checkpoint = hdfs.uri() + "/hospital/checkpoint";
            int won = 0;
            for (CheckpointLock lock : Race.of(8, () -> {
                try {
                    return CheckpointLock.acquire(checkpoint, new Configuration(), false);
                } catch (CheckpointLock.HeldException e) {
                    return null;
                }
            })) {
                if (lock != null) {
                    won++;
                    lock.close();
                }
            }
            assertEquals(1, won, "exactly one driver holds the HDFS checkpoint");
        }
    }

    private void runTwo(List<String> source, Corpus corpus) throws Exception {
        // The winner also applies the archive's retention at start: a day 30 days old goes, with an audit line.
        Path old = temp.resolve("archive").resolve("date=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .minusDays(30)).resolve("batch-1");
        Files.createDirectories(old);
        Files.writeString(old.resolve("part-00000.gz"), "old");
        Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file=" + temp.resolve("key")
                + "\narchive-retention-days=7\n");
        List<String> args = new ArrayList<>(source);
        args.addAll(List.of("--checkpoint", temp.resolve("checkpoint").toString(), "--output",
                temp.resolve("out").toString(), "--archive", temp.resolve("archive").toString(), "--run-seconds", "30",
                "--config", config.toString()));
        Path logA = temp.resolve("a.log");
        Path logB = temp.resolve("b.log");
        Process a = Scripts.start(logA, "incident-stream", args.toArray(new String[0]));
        Process b = Scripts.start(logB, "incident-stream", args.toArray(new String[0]));
        assertTrue(a.waitFor(4, TimeUnit.MINUTES) && b.waitFor(4, TimeUnit.MINUTES), "both end");
        List<Integer> statuses = new ArrayList<>(List.of(a.exitValue(), b.exitValue()));
        statuses.sort(null);
        assertEquals(List.of(0, 2), statuses, "one streamed, one was refused:\n" + Files.readString(logA) + "\n"
                + Files.readString(logB));
        Path refused = a.exitValue() == 2 ? logA : logB;
        Path streamed = a.exitValue() == 2 ? logB : logA;
        List<String> lines = Files.readAllLines(refused).stream().filter(l -> l.startsWith("incident-stream: "))
                .toList();
        assertEquals(1, lines.size(), "one line for the refused driver: " + Files.readString(refused));
        assertTrue(lines.get(0).contains(temp.resolve("checkpoint").toString()) && lines.get(0).contains("pid "),
                lines.get(0));
        assertTrue(Files.readString(streamed).contains("Streaming started"));
        assertTrue(!Files.readString(refused).contains("Streaming started"), "the refused driver never streamed");
        Corpora.assertOutputsMatch(new OutputFolder(temp.resolve("out")), corpus);
        assertTrue(!Files.exists(old.getParent()), "the job deleted the archive's day past its retention");
        assertEquals(1, new OutputFolder(temp.resolve("out")).records("audit").stream()
                .filter(line -> line.get("action").getAsString().equals("archive-day-deleted")).count());
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the driver gracefully (spark.streaming.stopGracefullyOnShutdown): every record the receiver
 * took is processed and written before exit, and no half-written batch folder is left behind.
 */
class GracefulStopIT {

    @TempDir
    Path temp;

    @Test
    void sigtermProcessesEveryReceivedRecordBeforeExit() throws Exception {
        Corpus corpus = Corpora.fresh(6006, 1500);
        Path log = temp.resolve("driver.out");
        Path out = temp.resolve("out");
        try (LineServer server = new LineServer(corpus.lines())) {
            Process driver = Scripts.start(log, "incident-stream", "--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", out.toString(),
                    "--archive", temp.resolve("archive").toString(),
                    "--window-seconds", "4", "--slide-seconds", "2");
            assertTrue(server.awaitSent(120), "receiver connected and took the lines");
            // Let the receiver drain the socket into blocks (milliseconds), but not the first batches finish
            // (seconds in a fresh driver): the stop has received-but-unprocessed data to finish.
            Thread.sleep(1500);
            driver.destroy(); // SIGTERM, as `kill PID` or a cluster manager sends it
            assertTrue(driver.waitFor(120, TimeUnit.SECONDS), "driver exits after a graceful stop");
            String console = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(143, driver.exitValue(), "the JVM's status after a SIGTERM it handled (128 + 15), as the "
                    + "README says: " + console);
            assertTrue(console.contains("Stopped gracefully after SIGTERM"), console);
        }
        Corpora.assertOutputsMatch(new OutputFolder(out), corpus);
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> leftovers = files.filter(p -> p.toString().contains("/_tmp/")
                    && p.getFileName().toString().startsWith("part-")).toList();
            assertEquals(List.of(), leftovers, "no half-moved batch left in _tmp");
        }
        assertFalse(Files.exists(out.resolve("_temporary")), "no Hadoop job temp folder at the root");
    }
}

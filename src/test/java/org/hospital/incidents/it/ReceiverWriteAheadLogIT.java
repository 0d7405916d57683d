package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.DriverLog;
import org.hospital.incidents.testing.LiveLineServer;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the receiver write-ahead log saves for the socket source, which cannot replay: reports the receiver took
 * but no batch had processed yet when the driver died (SIGKILL). With
 * {@code spark.streaming.receiver.writeAheadLog.enable=true} and the checkpoint on HDFS, the restarted driver
 * processes them from the log; without it they are gone. Both runs are made here, the same way.
 *
 * <p>A 20 s batch interval leaves a wide, known gap between "the first batch is done and checkpointed" and "the
 * next batch starts": the second corpus is sent inside that gap and the driver is killed before the gap ends.
 */
class ReceiverWriteAheadLogIT {

    @TempDir
    Path temp;

    @Test
    void writeAheadLogKeepsReceivedReportsThroughADriverCrash() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(temp.resolve("hdfs"))) {
            Corpus first = Corpora.fresh(9001, 500);
            Corpus second = Corpora.fresh(9002, 500);

            OutputFolder withLog = crashWhileReceivedDataIsUnprocessed(hdfs, "wal", true, first, second);
            Corpora.assertOutputsMatch(withLog, first, second);

            OutputFolder withoutLog = crashWhileReceivedDataIsUnprocessed(hdfs, "nowal", false, first, second);
            long counted = withoutLog.totals().values().stream().mapToLong(Long::longValue).sum();
            long all = accepted(first) + accepted(second);
            // Reported in the failsafe output and in docs/RELIABILITY.md.
            System.out.printf("receiver-wal: with the log all %d reports counted; without it %d counted, %d lost%n",
                    all, counted, all - counted);
            assertTrue(all - counted >= accepted(second),
                    "without the write-ahead log the received, unprocessed corpus is lost: " + counted + " of " + all);
        }
    }

    /** @return the reports of the corpus that must be counted */
    private static long accepted(Corpus corpus) {
        return corpus.totals().values().stream().mapToLong(Long::longValue).sum();
    }

    private OutputFolder crashWhileReceivedDataIsUnprocessed(MiniHdfs hdfs, String name, boolean writeAheadLog,
            Corpus first, Corpus second) throws Exception {
        Path config = TestFiles.configWith(temp.resolve(name + ".properties"), "state-checkpoint-seconds=20\n"
                + "spark.streaming.receiver.writeAheadLog.enable=" + writeAheadLog + "\n");
        int port = Scripts.freePort();
        String[] args = {"--socket", "127.0.0.1:" + port, "--checkpoint", hdfs.uri() + "/" + name + "/checkpoint",
            "--output", hdfs.uri() + "/" + name + "/out", "--archive", hdfs.uri() + "/" + name + "/archive",
            "--batch-seconds", "20", "--window-seconds", "20",
            "--slide-seconds", "20", "--config", config.toString()};
        try (LiveLineServer server = new LiveLineServer(port)) {
            Path log = temp.resolve(name + "-1.out");
            Process driver = Scripts.start(log, "incident-stream", args);
            DriverLog console = new DriverLog(log, driver);
            server.awaitConnection(1, 120);
            server.send(first.lines());
            console.awaitBatchesWithData(1, () -> true);

            // The first batch is processed and checkpointed; the next one is up to 20 s away.
            server.send(second.lines());
            Thread.sleep(3000); // the receiver stores blocks every 200 ms (and, with the log, writes them to it)
            driver.destroyForcibly(); // SIGKILL
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, console.batchesWithData().size(),
                    "the second corpus was still unprocessed at the kill: " + console.text());

            String[] restart = java.util.Arrays.copyOf(args, args.length + 2);
            restart[args.length] = "--run-seconds";
            restart[args.length + 1] = "25";
            Path log2 = temp.resolve(name + "-2.out");
            Process recovered = Scripts.start(log2, "incident-stream", restart);
            assertTrue(recovered.waitFor(3, TimeUnit.MINUTES), "recovered driver stops after --run-seconds");
            assertEquals(0, recovered.exitValue(), Files.readString(log2));
        }
        return new OutputFolder(hdfs.uri() + "/" + name + "/out");
    }
}

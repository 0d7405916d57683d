package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.DriverLog;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.PacedProducer;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NameNode holding the checkpoint and the outputs goes away for {@value #OUTAGE_SECONDS} s and comes back
 * (MiniDFSCluster restart, same port, same metadata) while the job runs and Kafka input keeps arriving. The
 * job (application jar under SparkSubmit, default {@code config/application.properties}) rides through it on the
 * HDFS client's retry policy, never fails a batch, and ends with exact totals.
 */
class NameNodeRestartIT {

    private static final String TOPIC = "incidents-nn";
    private static final int OUTAGE_SECONDS = 10;

    @TempDir
    Path temp;

    @Test
    void jobRidesThroughANameNodeRestartWithExactTotals() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(temp.resolve("hdfs")); LocalKafka kafka = new LocalKafka()) {
            kafka.createTopic(TOPIC, 3);
            List<Corpus> corpora = List.of(Corpora.fresh(7001, 1200), Corpora.fresh(7002, 1200),
                    Corpora.fresh(7003, 1200));
            Path log = temp.resolve("driver.out");
            Process driver = Scripts.start(log, "incident-stream", "--kafka", kafka.bootstrap(), "--topics", TOPIC,
                    "--group-id", "nn-it", "--checkpoint", hdfs.uri() + "/hospital/checkpoint",
                    "--output", hdfs.uri() + "/hospital/out", "--archive", hdfs.uri() + "/hospital/archive",
                    "--window-seconds", "4", "--slide-seconds", "2",
                    "--run-seconds", "75");
            DriverLog console = new DriverLog(log, driver);
            try (PacedProducer producer = new PacedProducer(kafka, TOPIC, corpora, 100)) {
                console.awaitBatchesWithData(2, () -> false);

                hdfs.cluster().shutdownNameNode(0);
                Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS));
                int before = console.batchesWithData().size();
                long back = System.nanoTime();
                hdfs.cluster().restartNameNode(0, true);
                console.awaitBatchesWithData(before + 1, () -> false);
                // Reported in the failsafe output and in docs/RELIABILITY.md.
                System.out.printf("namenode-restart: %d s outage, next batch with data %.1f s after restart%n",
                        OUTAGE_SECONDS, (System.nanoTime() - back) / 1e9);
                producer.await(3);
            }
            assertTrue(driver.waitFor(3, TimeUnit.MINUTES), "driver stops after --run-seconds");
            String text = console.text();
            assertEquals(0, driver.exitValue(), text);
            assertFalse(text.contains("OUTPUT FAILED"), text);
            Corpora.assertOutputsMatch(new OutputFolder(hdfs.uri() + "/hospital/out"),
                    corpora.toArray(new Corpus[0]));
        }
    }
}

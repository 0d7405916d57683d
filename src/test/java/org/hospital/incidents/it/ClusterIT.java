package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.PacedProducer;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a Spark standalone cluster: {@code bin/spark-cluster start}, the job submitted by
 * {@code bin/incident-stream} in cluster deploy mode with {@code --supervise} (checkpoint, outputs and archive on
 * HDFS, Kafka input), the driver JVM on the worker killed with SIGKILL mid-stream, restarted by the cluster, and
 * the final totals exact.
 */
class ClusterIT {

    private static final String TOPIC = "cluster-it";
    private static final Pattern STARTED = Pattern.compile("Streaming started: .* driver pid (\\d+)");

    @TempDir
    Path temp;

    @Test
    void aSupervisedDriverKilledOnTheWorkerComesBackWithExactTotals() throws Exception {
        Path data = temp.resolve("spark");
        Map<String, String> cluster = Map.of("SPARK_CLUSTER_DATA", data.toString(),
                "SPARK_MASTER_PORT", Integer.toString(Scripts.freePort()),
                "SPARK_MASTER_WEBUI_PORT", Integer.toString(Scripts.freePort()),
                "SPARK_WORKER_WEBUI_PORT", Integer.toString(Scripts.freePort()));
        try (MiniHdfs hdfs = new MiniHdfs(temp.resolve("hdfs")); LocalKafka kafka = new LocalKafka()) {
            kafka.createTopic(TOPIC, 3);
            Scripts.Result started = Scripts.run(cluster, 180, "spark-cluster", "start");
            assertEquals(0, started.exitCode(), started.stdout() + started.stderr());
            try {
                runOnTheCluster(hdfs, kafka, cluster, data);
            } finally {
                Scripts.Result stopped = Scripts.run(cluster, 120, "spark-cluster", "stop");
                System.out.println("cluster-it: " + stopped.stdout().trim());
            }
        }
    }

    private void runOnTheCluster(MiniHdfs hdfs, LocalKafka kafka, Map<String, String> cluster, Path data)
            throws Exception {
        List<Corpus> corpora = List.of(Corpora.fresh(9101, 1200), Corpora.fresh(9102, 1200),
                Corpora.fresh(9103, 1200));
        String root = hdfs.uri() + "/hospital";
        Map<String, String> submit = new java.util.HashMap<>(cluster);
        submit.put("SPARK_MASTER", "spark://127.0.0.1:" + cluster.get("SPARK_MASTER_PORT"));
        submit.put("SPARK_MASTER_WEBUI_PORT", cluster.get("SPARK_MASTER_WEBUI_PORT"));

        // A driver that cannot start streaming (no broker there): the submission says so, with the driver's own
        // last error line, instead of returning 0.
        submit.put("SPARK_SUBMIT_ARGS", "--deploy-mode cluster");
        Path failing = TestFiles.configWith(temp.resolve("failing.properties"), "startup-timeout-seconds=5\n");
        Scripts.Result refused = Scripts.run(submit, 240, "incident-stream", "--kafka", "127.0.0.1:"
                + Scripts.freePort(), "--topics", TOPIC, "--group-id", "cluster-it-failing", "--checkpoint",
                root + "/checkpoint-failing", "--output", root + "/out-failing", "--archive", "none",
                "--config", failing.toString());
        assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
        assertTrue(refused.stderr().matches("(?s).*incident-stream: driver driver-\\S+ failed before streaming; its "
                + "last error: incident-stream: .*"), refused.stderr());

        // The README's command with the shipped configuration: the key file is the default relative
        // data/pseudonym.key, which the driver resolves against the folder the command ran from and ships to the
        // executors itself (earlier builds made executors look for it in their own work folders).
        submit.put("SPARK_SUBMIT_ARGS", "--deploy-mode cluster --supervise");
        Scripts.Result submitted = Scripts.run(submit, 300, "incident-stream", "--kafka", kafka.bootstrap(),
                "--topics", TOPIC, "--group-id", "cluster-it", "--checkpoint", root + "/checkpoint", "--output",
                root + "/out", "--archive", root + "/archive", "--window-seconds", "4", "--slide-seconds", "2");
        assertEquals(0, submitted.exitCode(), "the submission returns once the driver streams: "
                + submitted.stdout() + submitted.stderr());
        assertTrue(submitted.stdout().contains("is streaming on worker-"), submitted.stdout());

        try (PacedProducer producer = new PacedProducer(kafka, TOPIC, corpora, 100)) {
            long firstPid = awaitDriver(data, -1);
            OutputFolder out = new OutputFolder(root + "/out");
            awaitSomeTotals(out);
            // SIGKILL the driver JVM on the worker, mid-stream: the worker's supervision starts a new one.
            ProcessHandle driver = ProcessHandle.of(firstPid).orElseThrow();
            assertTrue(driver.destroyForcibly());
            long secondPid = awaitDriver(data, firstPid);
            assertNotEquals(firstPid, secondPid);
            producer.await(3);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                try {
                    Corpora.assertOutputsMatch(out, corpora.toArray(new Corpus[0]));
                    break;
                } catch (AssertionError | IOException | RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("totals not exact after the supervised restart; driver log:\n"
                                + driverLog(data), e);
                    }
                    Thread.sleep(2000);
                }
            }
            Scripts.Result status = Scripts.run(cluster, 60, "spark-cluster", "status");
            assertEquals(0, status.exitCode(), status.stderr());
            assertTrue(status.stdout().contains("RUNNING hospital-incident-streaming"), status.stdout());
            assertTrue(status.stdout().matches("(?s).*driver driver-\\S+ RUNNING on worker-.*"), status.stdout());
            System.out.printf("cluster-it: driver pid %d SIGKILLed on the worker, pid %d took over; %d lines, totals"
                    + " exact%n", firstPid, secondPid, corpora.stream().mapToInt(c -> c.lines().size()).sum());
        }
    }

    /** @return the pid of the newest driver that started streaming, other than {@code previous} */
    private static long awaitDriver(Path data, long previous) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Matcher m = STARTED.matcher(driverLog(data));
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            if (last > 0 && last != previous) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no driver started streaming on the cluster (previous pid " + previous + "):\n"
                + driverLog(data));
    }

    private static void awaitSomeTotals(OutputFolder out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                if (!out.latestWardTotals().isEmpty()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // The output root may not exist yet.
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no ward totals from the cluster's driver");
    }

    /** The drivers' stderr files under the worker's work dir (the driver writes its log there). */
    private static String driverLog(Path data) throws IOException {
        List<String> text = new ArrayList<>();
        Path work = data.resolve("work");
        if (!Files.isDirectory(work)) {
            return "(no work dir)";
        }
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")
                    && f.getParent().getFileName().toString().startsWith("driver-")).toList()) {
                text.add(Files.readString(file));
            }
        }
        return String.join("\n", text);
    }
}

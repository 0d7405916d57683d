package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.PacedProducer;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka-side faults against a real KRaft broker ({@code bin/kafka-local}): the backpressure cap on a backlog, a
 * broker stopped and restarted mid-stream, and offsets deleted by retention while the job was down.
 */
class KafkaFaultsIT {

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

    /** The shipped config file plus {@code overrides} (later keys win in a properties file). */
    private Path config(String overrides) throws Exception {
        return TestFiles.configWith(temp.resolve("application.properties"), overrides);
    }

    private String[] args(String topic, String checkpoint, String output, int runSeconds, Path config) {
        return new String[] {"--kafka", kafka.bootstrap(), "--topics", topic, "--group-id", topic + "-group",
            "--checkpoint", checkpoint, "--output", output, "--archive", output + "-archive",
            "--window-seconds", "4", "--slide-seconds", "2",
            "--run-seconds", Integer.toString(runSeconds), "--config", config.toString()};
    }

    @Test
    void backpressureCapsTheFirstBatchAndEveryBatchOfABacklog() throws Exception {
        String topic = "backlog";
        kafka.createTopic(topic, 3);
        Corpus backlog = Corpora.fresh(8001, 1500);
        kafka.produce(topic, backlog.lines());
        // First batch: initialRate x 1 s; later batches: maxRatePerPartition x 3 partitions x 1 s.
        Path config = config("spark.streaming.backpressure.initialRate=150\n"
                + "spark.streaming.kafka.maxRatePerPartition=100\n");
        Path out = temp.resolve("out");
        assertEquals(0, InProcessJob.run(args(topic, temp.resolve("ckpt").toString(), out.toString(), 30, config)));

        OutputFolder folder = new OutputFolder(out);
        Corpora.assertOutputsMatch(folder, backlog);
        List<Long> perBatch = List.copyOf(folder.recordsPerBatch().values());
        System.out.println("backpressure: records per batch " + perBatch);
        assertTrue(perBatch.get(0) <= 150, "first batch capped by initialRate: " + perBatch);
        assertTrue(perBatch.stream().allMatch(n -> n <= 300), "every batch capped at 100/s x 3: " + perBatch);
        assertTrue(perBatch.size() >= 1 + (backlog.lines().size() - 150 + 299) / 300, "batches " + perBatch);
    }

    @Test
    void brokerStoppedAndRestartedMidStreamLosesNothing() throws Exception {
        String topic = "restart";
        kafka.createTopic(topic, 3);
        List<Corpus> corpora = List.of(Corpora.fresh(8101, 900), Corpora.fresh(8102, 900));
        Path out = temp.resolve("out");
        OutputFolder folder = new OutputFolder(out);
        try (PacedProducer producer = new PacedProducer(kafka, topic, corpora, 100)) {
            CompletableFuture<Integer> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return InProcessJob.run(args(topic, temp.resolve("ckpt").toString(), out.toString(), 70,
                            config("")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitBatches(folder, 2);
            kafka.stop();
            Thread.sleep(TimeUnit.SECONDS.toMillis(15));
            int before = folder.recordsPerBatch().size();
            long back = System.nanoTime();
            kafka.start();
            awaitBatches(folder, before + 1);
            System.out.printf("broker-restart: 15 s outage, next batch with data %.1f s after the broker was back%n",
                    (System.nanoTime() - back) / 1e9);
            producer.await(3);
            assertEquals(0, job.get(3, TimeUnit.MINUTES), "the job kept running through the outage");
        }
        Corpora.assertOutputsMatch(folder, corpora.toArray(new Corpus[0]));
        assertEquals(kafka.endOffsets(topic, 3), kafka.committed(topic + "-group"));
    }

    @Test
    void offsetsDeletedByRetentionGiveAClearMessageAndANewCheckpointResumes() throws Exception {
        String topic = "retention";
        kafka.createTopic(topic, 3);
        String checkpoint = temp.resolve("ckpt").toString();
        Corpus first = Corpora.fresh(8201, 600);
        kafka.produce(topic, first.lines());
        assertEquals(0, InProcessJob.run(args(topic, checkpoint, temp.resolve("out").toString(), 12, config(""))));

        // While the job is down, a second corpus arrives and retention deletes it before the job could read it.
        kafka.produce(topic, Corpora.fresh(8202, 600).lines());
        kafka.deleteRecordsBefore(kafka.endOffsets(topic, 3));
        Corpus third = Corpora.fresh(8203, 600);
        kafka.produce(topic, third.lines());

        long started = System.nanoTime();
        InProcessJob.Outcome outcome = InProcessJob.runCapturingStderr(args(topic, checkpoint,
                temp.resolve("out").toString(), 20, config("")));
        String message = outcome.stderr();
        System.out.printf("retention: exit %d after %.1f s, stderr: %s%n", outcome.status(),
                (System.nanoTime() - started) / 1e9, message);
        assertEquals(3, outcome.status(), message);
        assertTrue(message.contains("deleted by Kafka"), message);
        assertTrue(message.contains("new --checkpoint"), message);

        // The advised way on: a new checkpoint resumes from the committed offsets, which Kafka no longer has,
        // so auto.offset.reset=earliest starts at the oldest record it still holds: exactly the third corpus.
        Path out = temp.resolve("out-new");
        assertEquals(0, InProcessJob.run(args(topic, temp.resolve("ckpt-new").toString(), out.toString(), 12,
                config(""))));
        Corpora.assertOutputsMatch(new OutputFolder(out), third);
    }

    private static void awaitBatches(OutputFolder folder, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (folder.recordsPerBatch().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " batches with data: " + folder.recordsPerBatch());
            }
            Thread.sleep(250);
        }
    }
}

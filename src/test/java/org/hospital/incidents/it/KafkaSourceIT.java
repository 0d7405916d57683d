package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.Lines;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job fed from a real KRaft broker started by {@code bin/kafka-local}: exact totals on a fresh corpus in a
 * 3-partition topic, offsets committed to Kafka after the outputs, and a restart from the same checkpoint that
 * resumes the running totals instead of starting from zero.
 */
class KafkaSourceIT {

    private static final String TOPIC = "incidents-it";
    private static final String GROUP = "incidents-it-group";

    private static LocalKafka kafka;

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new LocalKafka();
        kafka.createTopic(TOPIC, 3);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private int runJob(String checkpoint, String output) throws Exception {
        return InProcessJob.run("--kafka", kafka.bootstrap(), "--topics", TOPIC,
                "--group-id", GROUP, "--checkpoint", checkpoint, "--output", output, "--archive", output + "-archive",
                "--window-seconds", "4", "--slide-seconds", "2", "--surge-threshold", "100", "--run-seconds", "15");
    }

    @Test
    void countsExactlyCommitsOffsetsAndResumesTotalsFromTheCheckpoint() throws Exception {
        String checkpoint = temp.resolve("checkpoint").toString();
        String output = temp.resolve("out").toString();
        OutputFolder out = new OutputFolder(temp.resolve("out"));

        Corpus first = Corpora.fresh(2002, 1500);
        kafka.produce(TOPIC, first.lines());
        assertEquals(0, runJob(checkpoint, output));
        Corpora.assertOutputsMatch(out, first);
        for (JsonObject rejected : out.records("rejected")) {
            assertTrue(rejected.get("source").getAsString().matches("kafka:" + TOPIC + "/[0-2]/\\d+"),
                    rejected.get("source").getAsString());
        }
        // Committed only after each batch's outputs were written, and the whole topic was processed.
        assertEquals(kafka.endOffsets(TOPIC, 3), kafka.committed(GROUP), "committed offsets = end offsets");

        // A second corpus arrives while the job is down; the restart recovers state and offsets from the
        // checkpoint: totals are the sum of both corpora, nothing counted twice, nothing from zero.
        Corpus second = Corpora.fresh(2003, 800);
        kafka.produce(TOPIC, second.lines());
        assertEquals(0, runJob(checkpoint, output));
        Corpora.assertOutputsMatch(out, first, second);
        assertEquals(kafka.endOffsets(TOPIC, 3), kafka.committed(GROUP));

        // A new checkpoint directory (e.g. after an incompatible upgrade) resumes from the committed offsets:
        // only what arrived after them is read, nothing from the start of the topic.
        Corpus third = Corpora.fresh(2004, 600);
        kafka.produce(TOPIC, third.lines());
        assertEquals(0, runJob(temp.resolve("checkpoint-new").toString(), temp.resolve("out-new").toString()));
        Corpora.assertOutputsMatch(new OutputFolder(temp.resolve("out-new")), third);
        assertEquals(kafka.endOffsets(TOPIC, 3), kafka.committed(GROUP));
    }

    /**
     * A catch-up from a backlog whose partitions hold different shares of the stream (a topic keyed by ward), read a
     * fixed number of records per partition and batch ({@code spark.streaming.kafka.maxRatePerPartition}): partition
     * 0's event time runs hours ahead of partition 1's. The stream's event time is the partition furthest behind, so
     * nothing is late and the burst in partition 1's backlog pages once (docs/DESIGN.md "Surges in event time").
     */
    @Test
    void aBacklogReadUnevenlyOverItsPartitionsRaisesTheSurgeThatHappenedInThePartitionBehind() throws Exception {
        String topic = "incidents-uneven";
        kafka.createTopic(topic, 2);
        Instant t0 = Instant.parse("2026-11-20T00:00:00Z");
        // ICU-1: one report every 120 s for two days. GER-2: one every 20 s for four hours (3 per 60 s window, under
        // the shipped threshold of 10), and 12 more within 24 s three hours in.
        List<String> ahead = new ArrayList<>();
        for (int i = 0; i < 1440; i++) {
            ahead.add(Lines.incidentAt("A-" + i, "ICU-1", "mild", t0.plusSeconds(120L * i).toString()));
        }
        List<String> behind = new ArrayList<>();
        for (int i = 0; i < 720; i++) {
            behind.add(Lines.incidentAt("B-" + i, "GER-2", "mild", t0.plusSeconds(20L * i).toString()));
            if (i == 540) {
                for (int j = 0; j < 12; j++) {
                    behind.add(Lines.incidentAt("BURST-" + j, "GER-2", "moderate",
                            t0.plusSeconds(20L * i + 1 + 2 * j).toString()));
                }
            }
        }
        kafka.produce(topic, 0, ahead);
        kafka.produce(topic, 1, behind);
        // The shipped configuration, with 150 records a partition and batch: about ten batches of backlog.
        Properties config = new Properties();
        try (var in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            config.load(in);
        }
        config.setProperty("spark.streaming.kafka.maxRatePerPartition", "150");
        Path configFile = temp.resolve("uneven.properties");
        try (var out = Files.newBufferedWriter(configFile)) {
            config.store(out, "KafkaSourceIT: shipped configuration, a smaller maxRatePerPartition");
        }
        Path output = temp.resolve("out-uneven");
        assertEquals(0, InProcessJob.run("--config", configFile.toString(), "--kafka", kafka.bootstrap(),
                "--topics", topic, "--group-id", "uneven-group", "--checkpoint", temp.resolve("cp-uneven").toString(),
                "--output", output.toString(), "--archive", "none", "--run-seconds", "25"));
        assertEquals(kafka.endOffsets(topic, 2), kafka.committed("uneven-group"), "the whole backlog was read");
        OutputFolder out = new OutputFolder(output);
        assertTrue(out.recordsPerBatch().size() >= 5, "read over several batches: " + out.recordsPerBatch());
        Map<String, JsonObject> totals = out.latestWardTotals();
        assertEquals(1440, totals.get("ICU-1").get("total").getAsLong());
        assertEquals(732, totals.get("GER-2").get("total").getAsLong());
        assertEquals(0, totals.get("GER-2").get("late").getAsLong(), "judged by partition 0, GER-2's would be late");
        assertEquals(0, totals.get("ICU-1").get("late").getAsLong());
        List<String> surges = out.records("alerts").stream().filter(a -> "SURGE".equals(a.get("type").getAsString()))
                .map(a -> a.get("wardId").getAsString()).toList();
        assertEquals(List.of("GER-2"), surges, "the burst that happened, once");
    }
}

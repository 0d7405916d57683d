package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
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
}

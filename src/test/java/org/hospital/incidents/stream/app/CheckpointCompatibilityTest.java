package org.hospital.incidents.stream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hospital.incidents.testing.InProcessJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that cannot go on (written by an incompatible build, or pointing at Kafka records already deleted)
 * fails once, with advice, instead of a stack-trace loop.
 */
class CheckpointCompatibilityTest {

    @TempDir
    Path temp;

    @Test
    void unreadableCheckpointExitsWithAdviceToStartANewCheckpointDirectory() throws Exception {
        Path checkpoint = temp.resolve("checkpoint");
        Files.createDirectories(checkpoint);
        // What a checkpoint of another build looks like to this one: a file Spark finds but cannot deserialize.
        Files.write(checkpoint.resolve("checkpoint-1763712000000"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        InProcessJob.Outcome outcome = InProcessJob.runCapturingStderr("--socket", "127.0.0.1:9",
                "--checkpoint", checkpoint.toString(), "--output", temp.resolve("out").toString(),
                "--run-seconds", "1");
        assertEquals(1, outcome.status());
        String message = outcome.stderr();
        assertTrue(message.contains("cannot recover from the checkpoint in " + checkpoint)
                && message.contains("Start with a new --checkpoint directory"), message);
    }

    @Test
    void offsetsDeletedByKafkaAreNamedWithTheWayOn() {
        // What a failed batch reports when an executor's fetch starts below the log start offset (Kafka 3.4 text).
        Exception error = new IllegalStateException("Job aborted due to stage failure: Lost task 0.0: "
                + "org.apache.kafka.clients.consumer.OffsetOutOfRangeException: Fetch position FetchPosition{"
                + "offset=279, offsetEpoch=Optional[0]} is out of range for partition hospital-incidents-0");
        String advice = FailureAdvice.deletedOffsets(new RuntimeException("wrapped", error));
        assertTrue(advice.startsWith("Kafka no longer holds offset 279 of partition hospital-incidents-0"), advice);
        assertTrue(advice.contains("new --checkpoint directory"), advice);
        assertNull(FailureAdvice.deletedOffsets(new java.io.IOException("disk full")));
    }
}

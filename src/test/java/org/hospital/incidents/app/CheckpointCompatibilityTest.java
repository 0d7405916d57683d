package org.hospital.incidents.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hospital.incidents.testing.InProcessJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint written by an incompatible build fails once, with advice, instead of a stack-trace loop. */
class CheckpointCompatibilityTest {

    @TempDir
    Path temp;

    @Test
    void unreadableCheckpointExitsWithAdviceToStartANewCheckpointDirectory() throws Exception {
        Path checkpoint = temp.resolve("checkpoint");
        Files.createDirectories(checkpoint);
        // What a checkpoint of another build looks like to this one: a file Spark finds but cannot deserialize.
        Files.write(checkpoint.resolve("checkpoint-1763712000000"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true, "UTF-8"));
        int status;
        try {
            status = InProcessJob.run("--socket", "127.0.0.1:9", "--checkpoint", checkpoint.toString(),
                    "--output", temp.resolve("out").toString(), "--run-seconds", "1");
        } finally {
            System.setErr(original);
        }
        assertEquals(1, status);
        String message = err.toString("UTF-8");
        org.junit.jupiter.api.Assertions.assertTrue(message.contains("cannot recover from the checkpoint in "
                + checkpoint) && message.contains("Start with a new --checkpoint directory"), message);
    }
}

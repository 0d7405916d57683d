package org.hospital.incidents.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file's start-up check and the key's way to the executors (docs/DESIGN.md "Privacy and hostile input"). */
class PseudonymizerKeyTest {

    @TempDir
    Path temp;

    @Test
    void aKeyFileTheGroupOrOthersCanReadIsRefusedWithTheChmodToRun() throws Exception {
        Path key = temp.resolve("pseudonym.key");
        assertTrue(Pseudonymizer.ensureKeyFile(key), "created");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertFalse(Pseudonymizer.ensureKeyFile(key), "an owner-only key is accepted");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        IOException e = assertThrows(IOException.class, () -> Pseudonymizer.ensureKeyFile(key));
        assertEquals("pseudonym key file " + key.toAbsolutePath() + " can be read by group or others (rw-r-----): "
                + "run chmod 600 " + key.toAbsolutePath(), e.getMessage());
    }

    @Test
    void tasksUseTheKeyTheDriverShippedNotTheFile() throws Exception {
        Path key = temp.resolve("shipped.key");
        Pseudonymizer.ensureKeyFile(key);
        // The expected token from a copy, so that no JVM cache holds the shipped path's key.
        Path copy = Files.copy(key, temp.resolve("copy.key"));
        String expected = new Pseudonymizer(copy.toString()).token("9434765919");
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("PseudonymizerKeyTest").set("spark.ui.enabled", "false"))) {
            Pseudonymizer shipped = new Pseudonymizer(key.toString()).shippedBy(sc.sc());
            // The file is gone before any task runs: a task that looked for it would fail.
            Files.delete(key);
            List<String> tokens = sc.parallelize(List.of("9434765919", "9434765919"), 2).map(shipped::token)
                    .collect();
            assertEquals(List.of(expected, expected), tokens);
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> new Pseudonymizer(temp.resolve("never-there.key").toString()).shippedBy(sc.sc()));
            assertTrue(missing.getMessage().contains("never-there.key"), "the driver names the file it cannot read");
        }
    }
}

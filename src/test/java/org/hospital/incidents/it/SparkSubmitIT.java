package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.tools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application jar run through Spark's own SparkSubmit by {@code bin/incident-stream}, as a user runs
 * it: outputs read back from disk, exit statuses, and what reaches the console.
 */
class SparkSubmitIT {

    private static final Pattern PATIENT_REF = Pattern.compile("P-\\d{6}");

    @TempDir
    Path temp;

    @Test
    void applicationJarUnderSparkSubmitWritesExactOutputsAndNoPatientDataToTheConsole() throws Exception {
        Corpus corpus = Corpora.fresh(3003, 1200);
        Scripts.Result result;
        try (LineServer server = new LineServer(corpus.lines())) {
            result = Scripts.run(Map.of(), 240, "incident-stream", "--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", temp.resolve("out").toString(),
                    "--window-seconds", "4", "--slide-seconds", "2", "--run-seconds", "25");
        }
        assertEquals(0, result.exitCode(), result.stderr());
        Corpora.assertOutputsMatch(new OutputFolder(temp.resolve("out")), corpus);
        assertTrue(result.stdout().contains("ALERT CRITICAL"), "alerts on the console");
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("batch ") && l.contains(" accepted, ")),
                "a summary line per batch");
        assertFalse(PATIENT_REF.matcher(result.stdout() + result.stderr()).find(), "no patientRef on the console");
        assertFalse((result.stdout() + result.stderr()).contains("Patient found on floor"), "no description");
    }

    @Test
    void badFlagExitsTwoWithAOneLineMessageNamingIt() throws Exception {
        Scripts.Result result = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--window-seconds", "soon");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains(
                "incident-stream: --window-seconds: expected a whole number >= 1, got 'soon'"), result.stderr());

        Scripts.Result unknown = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--windw", "3");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("--windw"), unknown.stderr());
    }

    @Test
    void missingConfigFileExitsTwoNamingItsPath() throws Exception {
        Path missing = temp.resolve("absent.properties");
        Scripts.Result result = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--config", missing.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains("--config: file not found: " + missing), result.stderr());
    }
}

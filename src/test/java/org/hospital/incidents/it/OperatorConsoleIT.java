package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees on the console of {@code bin/incident-stream}: no Spark hostname warnings, one
 * line per failed socket connection attempt (no stack traces), and a start against a Kafka or an HDFS that is not
 * there giving up within {@code startup-timeout-seconds} with one line and exit status 1.
 */
class OperatorConsoleIT {

    @TempDir
    Path temp;

    private Path config(int startupTimeoutSeconds) throws Exception {
        return TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file=" + temp.resolve("key")
                + "\nstartup-timeout-seconds=" + startupTimeoutSeconds + "\n");
    }

    private String[] args(String... source) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(source));
        args.addAll(List.of("--output", temp.resolve("out").toString(), "--archive", temp.resolve("archive").toString(),
                "--config", config(5).toString()));
        if (!args.contains("--checkpoint")) {
            args.addAll(List.of("--checkpoint", temp.resolve("checkpoint").toString()));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void helpStartsWithTheUsageNotWithSparkWarnings() throws Exception {
        Scripts.Result help = Scripts.run(Map.of(), 120, "incident-stream", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        String all = help.stdout() + help.stderr();
        assertFalse(all.contains("WARN"), all);
        assertTrue(all.stripLeading().startsWith("Usage: incident-stream"), all);
    }

    @Test
    void aKafkaThatIsNotThereEndsTheStartWithOneLine() throws Exception {
        int port = Scripts.freePort();
        long started = System.nanoTime();
        Scripts.Result run = Scripts.run(Map.of(), 120, "incident-stream", args("--kafka", "127.0.0.1:" + port));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("incident-stream: no Kafka broker at 127.0.0.1:" + port + " answered within "
                + "5 s (startup-timeout-seconds)"), run.stderr());
        assertTrue(seconds < 60, "gave up after " + seconds + " s with a 5 s limit");
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
    }

    @Test
    void anHdfsWithoutNameNodeEndsTheStartWithOneLine() throws Exception {
        int port = Scripts.freePort();
        String checkpoint = "hdfs://127.0.0.1:" + port + "/checkpoint";
        Scripts.Result run = Scripts.run(Map.of(), 120, "incident-stream", args("--socket", "127.0.0.1:9",
                "--checkpoint", checkpoint));
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("Waiting up to 5 s (startup-timeout-seconds) for the file system of "
                + "--checkpoint " + checkpoint), run.stderr());
        assertTrue(run.stderr().contains("incident-stream: --checkpoint " + checkpoint + ": the file system did not "
                + "answer within 5 s"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
    }

    @Test
    void aSocketThatRefusesGivesOneWarningPerAttempt() throws Exception {
        int port = Scripts.freePort();
        Scripts.Result run = Scripts.run(Map.of(), 180, "incident-stream", args("--socket", "127.0.0.1:" + port,
                "--run-seconds", "9"));
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> attempts = run.stderr().lines().filter(l -> l.contains("Error connecting to 127.0.0.1:" + port))
                .toList();
        assertTrue(attempts.size() >= 2, run.stderr());
        for (String line : attempts) {
            assertTrue(line.matches(".* WARN ReceiverSupervisorImpl: Restarting receiver with delay \\d+ ms: Error "
                    + "connecting to 127\\.0\\.0\\.1:" + port + " \\(cause: Connection refused\\)"), line);
        }
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        assertFalse(run.stderr().contains("ERROR ReceiverTracker"), run.stderr());
        assertFalse(run.stderr().contains("WARN Utils"), "no hostname warnings: " + run.stderr());
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hospital.incidents.testing.TestFiles;
import java.util.stream.Stream;
import java.util.Arrays;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;

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
        Path keyFile = temp.resolve("keys").resolve("pseudonym.key");
        Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file=" + keyFile + "\n");
        Scripts.Result result;
        try (LineServer server = new LineServer(corpus.lines())) {
            result = Scripts.run(Map.of(), 240, "incident-stream", "--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", temp.resolve("out").toString(),
                    "--archive", temp.resolve("archive").toString(),
                    "--window-seconds", "4", "--slide-seconds", "2", "--run-seconds", "25",
                    "--config", config.toString());
        }
        assertEquals(0, result.exitCode(), result.stderr());
        // The key file was created: 32 random bytes, owner-only, said once in the log, and found nowhere else.
        byte[] key = Files.readAllBytes(keyFile);
        assertEquals(32, key.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertTrue((result.stdout() + result.stderr()).contains("Created the pseudonymisation key file " + keyFile),
                result.stderr());
        // Everything the job wrote is owner-only: folders 0700, files 0600 (docs/DESIGN.md "Privacy").
        for (String root : List.of("checkpoint", "out", "archive", "keys")) {
            assertTrue(TestFiles.assertOwnerOnly(temp.resolve(root)) > 0, root + " has files");
        }
        assertFalse(containsBytes(temp.resolve("checkpoint"), key), "the key is not in the checkpoint");
        assertFalse(containsBytes(temp.resolve("out"), key), "the key is not in an output");
        try (Stream<Path> files = Files.walk(temp.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(PATIENT_REF.matcher(Files.readString(file)).find(), "a patientRef in " + file);
            }
        }
        Corpora.assertOutputsMatch(new OutputFolder(temp.resolve("out")), corpus);
        assertTrue(result.stdout().contains("ALERT CRITICAL"), "alerts on the console");
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("batch ") && l.contains(" accepted, ")),
                "a summary line per batch");
        assertFalse(PATIENT_REF.matcher(result.stdout() + result.stderr()).find(), "no patientRef on the console");
        assertFalse((result.stdout() + result.stderr()).contains("Patient found on floor"), "no description");
    }

    /** @return true when a file under {@code root} contains {@code needle} */
    private static boolean containsBytes(Path root, byte[] needle) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void theReceiverSurvivesA512MiBLineWithoutANewlineAndCountsTheLinesAfterIt() throws Exception {
        // The driver (and its local executor) get a 512 MiB heap: a receiver that buffered the line whole would die
        // of it (OutOfMemoryError in "Socket Receiver", the job carrying on without input).
        Corpus corpus = Corpora.fresh(3007, 400);
        Path config = TestFiles.configWith(temp.resolve("long.properties"),
                "pseudonym-key-file=" + temp.resolve("k.key") + "\n");
        Scripts.Result result;
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread sender = new Thread(() -> {
                try (java.net.Socket socket = server.accept();
                        java.io.OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(),
                                1 << 16)) {
                    byte[] chunk = new byte[1 << 20];
                    Arrays.fill(chunk, (byte) 'x');
                    for (int i = 0; i < 512; i++) {
                        out.write(chunk);
                    }
                    out.write('\n');
                    for (String line : corpus.lines()) {
                        out.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    out.flush();
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // the job ended and closed the connection
                }
            }, "long-line-sender");
            sender.setDaemon(true);
            sender.start();
            result = Scripts.run(Map.of("INCIDENT_STREAM_HEAP", "512m"), 240, "incident-stream", "--socket",
                    "127.0.0.1:" + server.getLocalPort(), "--checkpoint", temp.resolve("long-cp").toString(),
                    "--output", temp.resolve("long-out").toString(), "--archive", "none", "--run-seconds", "40",
                    "--config", config.toString());
        }
        assertEquals(0, result.exitCode(), result.stderr());
        assertFalse(result.stderr().contains("OutOfMemoryError"), result.stderr());
        OutputFolder out = new OutputFolder(temp.resolve("long-out"));
        Corpora.assertOutputsMatch(out, 1, corpus);
        List<com.google.gson.JsonObject> tooLong = out.records("rejected").stream()
                .filter(r -> r.get("reason").getAsString().startsWith("line longer than")).toList();
        assertEquals(1, tooLong.size());
        assertEquals("line longer than 1048576 bytes (536870912 bytes)", tooLong.get(0).get("reason").getAsString());
        assertEquals(10_000, tooLong.get(0).get("line").getAsString().length(), "its first 10,000 characters kept");
    }

    @Test
    void emptyKeyFileExitsTwoNamingIt() throws Exception {
        Path keyFile = Files.createFile(temp.resolve("empty.key"));
        Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file=" + keyFile + "\n");
        Scripts.Result result = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--config", config.toString());
        assertEquals(2, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("pseudonym key file is empty: " + keyFile), result.stderr());
    }

    @Test
    void unwritableArchiveFailsTheStartWithExitTwo() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "not a folder");
        Path config = TestFiles.configWith(temp.resolve("app.properties"),
                "pseudonym-key-file=" + temp.resolve("k.key") + "\n");
        Scripts.Result result = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--config", config.toString(), "--archive", file.resolve("archive").toString());
        assertEquals(2, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("--archive: cannot write to " + file.resolve("archive")), result.stderr());
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
    void surgeLimitsForAnotherWindowLengthOrMissingExitTwoNamingThem() throws Exception {
        Path limits = Files.writeString(temp.resolve("surge-limits.csv"),
                "wardId,weekday,hour,windowSeconds,expectedPerWindow,limit\r\nICU-2,1,8,300,2.500000,10\r\n");
        Path config = TestFiles.configWith(temp.resolve("limits.properties"),
                "pseudonym-key-file=" + temp.resolve("k.key") + "\n");
        Scripts.Result result = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--config", config.toString(), "--checkpoint", temp.resolve("limits-cp").toString(),
                "--archive", "none", "--surge-limits", limits.toString());
        assertEquals(2, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("--surge-limits: " + limits + " has windowSeconds 300 but "
                + "--window-seconds is 60"), result.stderr());
        Path missing = temp.resolve("nowhere.csv");
        Scripts.Result absent = Scripts.run(Map.of(), 120, "incident-stream", "--socket", "127.0.0.1:9",
                "--config", config.toString(), "--checkpoint", temp.resolve("limits-cp").toString(),
                "--archive", "none", "--surge-limits", missing.toString());
        assertEquals(2, absent.exitCode(), absent.stderr());
        assertTrue(absent.stderr().contains("--surge-limits: file not found: " + missing), absent.stderr());
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

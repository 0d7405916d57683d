package org.hospital.incidents.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/incident-import}'s command line: exit statuses, messages, and a run into an archive. */
class ImportTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Lines added to the config file of the next runs. */
    private String extraConfig = "";

    private int run(String... args) throws Exception {
        Path config = Files.writeString(temp.resolve("app.properties"), "pseudonym-key-file="
                + temp.resolve("pseudonym.key") + "\n" + extraConfig);
        Import command = new Import();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        command.terminal = false;
        String[] withConfig = Stream.concat(Stream.of("--config", config.toString()), Stream.of(args))
                .toArray(String[]::new);
        return Import.commandLine(command).setErr(new java.io.PrintWriter(err, true)).execute(withConfig);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badFlagsAndMissingFilesExit2NamingThem() throws Exception {
        Path csv = Files.writeString(temp.resolve("h.csv"), "eventId,occurredAt,wardId,harmLevel\n");
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--kafka", "x:1", csv.toString()));
        assertTrue(stderr().contains("give exactly one of --kafka and --archive"), stderr());
        assertEquals(2, run("--kafka", "x:1", "--rate", "0", csv.toString()));
        assertTrue(stderr().contains("--rate: must be a positive number"), stderr());
        assertEquals(2, run("--archive", temp.resolve("a").toString(), temp.resolve("nope.csv").toString()));
        assertTrue(stderr().contains("CSV file not found: " + temp.resolve("nope.csv").toAbsolutePath()), stderr());
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--mapping", temp.resolve("m.json").toString(),
                csv.toString()));
        assertTrue(stderr().contains("mapping file not found: " + temp.resolve("m.json").toAbsolutePath()), stderr());
        Path mapping = Files.writeString(temp.resolve("bad.json"), "{\"columns\": {\"eventId\": \"a\"}}");
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--mapping", mapping.toString(),
                csv.toString()));
        assertTrue(stderr().contains("columns.occurredAt: required"), stderr());
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--delimiter", ";;", csv.toString()));
        assertTrue(stderr().contains("--delimiter"), stderr());
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--encoding", "KLINGON-8", csv.toString()));
        assertTrue(stderr().contains("--encoding: unknown character set 'KLINGON-8'"), stderr());
        Path noWard = Files.writeString(temp.resolve("noward.csv"), "eventId,occurredAt,harmLevel\n");
        assertEquals(2, run("--archive", temp.resolve("b").toString(), "sample-logs/history-2025.csv",
                noWard.toString(), "--mapping", "config/import-mapping-nrls.json"));
        assertTrue(stderr().contains("noward.csv: columns.eventId: the CSV has no column 'Ref'"), stderr());
        try (Stream<Path> files = Files.walk(temp.resolve("b"))) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("part-")
                    || f.getFileName().toString().startsWith("_import-")).count(),
                    "a bad second file is refused before the first is imported, and leaves nothing");
        }
        assertEquals(2, run("--archive", temp.resolve("a").toString(), "--bogus", csv.toString()));
        assertTrue(stderr().contains("incident-import: Unknown option: '--bogus'"), stderr());
    }

    @Test
    void maxLineBytesIsCheckedAsTheStreamChecksIt() throws Exception {
        Path csv = Files.writeString(temp.resolve("h.csv"), "eventId,occurredAt,wardId,harmLevel\n");
        extraConfig = "max-line-bytes=10\n";
        assertEquals(2, run("--archive", temp.resolve("a").toString(), csv.toString()));
        assertTrue(stderr().contains("incident-import: " + temp.resolve("app.properties") + ": max-line-bytes: "
                + "expected a whole number of bytes from 1024, got '10'"), stderr());
    }

    @Test
    void theSampleHistoryImportsIntoAnArchiveAndReportsItsBadRows() throws Exception {
        Path archive = temp.resolve("archive");
        assertEquals(0, run("--mapping", "config/import-mapping-nrls.json", "--archive", archive.toString(),
                "sample-logs/history-2025.csv"));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("23994 imported, 6 rejected"), printed);
        try (Stream<Path> files = Files.walk(archive)) {
            assertEquals(2, files.filter(f -> f.getFileName().toString().equals("part-00000.gz")
                    || f.getFileName().toString().equals("import-rejected.csv")).count());
        }
        assertEquals(7, stderr().lines().filter(l -> l.startsWith("history-2025.csv row ")).count() + 1,
                "each rejected row printed once: " + stderr());
    }
}

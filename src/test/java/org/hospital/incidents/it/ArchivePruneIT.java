package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's retention as an operator runs it ({@code bin/incident-archive prune}, docs/DESIGN.md "… patient data
 * kept only as long as allowed"): a dry run deletes nothing and says what it would; a run deletes exactly the whole
 * days older than the retention, leaves today's and the kept days and anything that is not a day folder, and writes one
 * audit line per deleted day, owner-only; the shipped retention (0) keeps everything.
 */
class ArchivePruneIT {

    @TempDir
    Path temp;

    @Test
    void pruneRemovesExactlyTheOldDaysAndAuditsEachDeletion() throws Exception {
        Path archive = temp.resolve("archive");
        Path out = temp.resolve("out");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int back = 0; back <= 12; back++) {
            Path part = archive.resolve("date=" + today.minusDays(back)).resolve("batch-" + back)
                    .resolve("part-00000.gz");
            Files.createDirectories(part.getParent());
            Files.writeString(part, "entries of day -" + back);
        }
        Files.createDirectories(archive.resolve("_tmp"));
        Files.createDirectories(archive.resolve("date=not-a-date"));

        Scripts.Result shipped = Scripts.run(Map.of(), 120, "incident-archive", "prune", "--archive",
                archive.toString(), "--output", out.toString());
        assertEquals(0, shipped.exitCode(), shipped.stderr());
        assertTrue(shipped.stdout().contains("archive-retention-days is 0 (keep everything)"), shipped.stdout());

        Scripts.Result dry = Scripts.run(Map.of(), 120, "incident-archive", "prune", "--dry-run", "--retention-days",
                "7", "--archive", archive.toString(), "--output", out.toString());
        assertEquals(0, dry.exitCode(), dry.stderr());
        assertTrue(dry.stdout().contains("5 day folders would be deleted (older than 7 days)"), dry.stdout());
        assertEquals(15, days(archive).size(), "a dry run deletes nothing");

        Scripts.Result pruned = Scripts.run(Map.of(), 120, "incident-archive", "prune", "--retention-days", "7",
                "--archive", archive.toString(), "--output", out.toString());
        assertEquals(0, pruned.exitCode(), pruned.stderr());
        TreeSet<String> expected = new TreeSet<>(List.of("_tmp", "date=not-a-date"));
        for (int back = 0; back <= 7; back++) {
            expected.add("date=" + today.minusDays(back));
        }
        assertEquals(expected, days(archive), "days 8 to 12 back deleted, today and 1 to 7 back kept");

        List<JsonObject> audit = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out.resolve("audit"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    audit.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        }
        TreeSet<String> deletedDays = new TreeSet<>();
        TreeSet<String> dryDays = new TreeSet<>();
        for (JsonObject line : audit) {
            (line.get("action").getAsString().equals("archive-day-deleted") ? deletedDays : dryDays)
                    .add(line.get("day").getAsString());
            assertEquals(7, line.get("retentionDays").getAsInt());
        }
        TreeSet<String> old = new TreeSet<>();
        for (int back = 8; back <= 12; back++) {
            old.add(today.minusDays(back).toString());
        }
        assertEquals(old, deletedDays, "one audit line per deleted day");
        assertEquals(old, dryDays, "and the dry run's, marked as such");
        assertTrue(TestFiles.assertOwnerOnly(out) > 0, "the audit trail is owner-only");
        assertFalse(audit.toString().contains("entries of day"), "no content of the archive in the audit");
    }

    private static TreeSet<String> days(Path archive) throws Exception {
        try (Stream<Path> children = Files.list(archive)) {
            return new TreeSet<>(children.map(p -> p.getFileName().toString()).toList());
        }
    }
}

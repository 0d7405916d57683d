package org.hospital.incidents.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which archive days the retention deletes: whole days strictly older than today minus the retention. */
class ArchiveRetentionTest {

    @TempDir
    Path temp;

    @Test
    void daysOlderThanTheRetentionExpireAndNothingElse() throws Exception {
        LocalDate today = LocalDate.of(2026, 12, 7);
        for (String name : List.of("date=2026-11-29", "date=2026-11-30", "date=2026-12-01", "date=2026-12-07",
                "date=junk", "_tmp")) {
            Files.createDirectories(temp.resolve(name));
        }
        Files.writeString(temp.resolve("date=2026-11-01"), "a file, not a day folder");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(temp.toUri());
        List<String> expired = ArchiveRetention.expired(fs, root, 7, today).stream()
                .map(p -> p.getName()).toList();
        // Seven days kept before 2026-12-07: 2026-11-30 onwards; 2026-11-29 is the eighth day back.
        assertEquals(List.of("date=2026-11-29"), expired);
        assertEquals(List.of(), ArchiveRetention.expired(fs, new org.apache.hadoop.fs.Path(temp.resolve("none")
                .toUri()), 7, today), "no archive yet");
        assertThrows(IllegalArgumentException.class, () -> ArchiveRetention.expired(fs, root, 0, today));
    }
}

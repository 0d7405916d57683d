package org.hospital.incidents.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The archive's folder names, as docs/DESIGN.md "Archive" gives them. */
class ArchiveLayoutTest {

    @Test
    void foldersAreNamedByTheUtcDateOfTheBatchOrImport() {
        long lastMilliOfADay = Instant.parse("2026-11-21T23:59:59.999Z").toEpochMilli();
        assertEquals(new Path("/a/date=2026-11-21/batch-" + lastMilliOfADay),
                ArchiveLayout.batchFolder("/a", lastMilliOfADay));
        assertEquals(new Path("hdfs://nn:9000/a/date=2026-11-22/import-" + (lastMilliOfADay + 1)),
                ArchiveLayout.importFolder("hdfs://nn:9000/a", lastMilliOfADay + 1));
        assertEquals("/a/date=2026-11-21/*/part-*", ArchiveLayout.partsOfDay("/a", LocalDate.of(2026, 11, 21)));
        assertEquals(List.of(new Path("/a/date=*/batch-*/part-*"), new Path("/a/date=*/import-*/part-*")),
                ArchiveLayout.allParts(new Path("/a")));
    }
}

package org.hospital.incidents.archive;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How long the archive keeps patient tokens (docs/DESIGN.md "One driver, alerts exactly once, patient data kept only
 * as long as allowed"): with {@code archive-retention-days} N > 0, a whole {@code date=YYYY-MM-DD} folder (the UTC
 * date of its batches or imports, {@link ArchiveLayout}) is deleted once that date is more than N days before today.
 * Whole days only: a day's folder is never cut in part, so the archive stays "every line received, once" for every
 * day it still holds. Used by the job once a day and by {@code bin/incident-archive prune}.
 */
public final class ArchiveRetention {

    private static final String DAY_PREFIX = "date=";

    private ArchiveRetention() {
    }

    /**
     * @param fs the archive's file system
     * @param root the archive root
     * @param retentionDays days kept before today (UTC); must be ≥ 1
     * @param today today's UTC date
     * @return the day folders past the retention, oldest first; folders whose name is not a date are left alone
     * @throws IOException when the archive cannot be listed
     * @throws IllegalArgumentException when {@code retentionDays} is below 1
     */
    public static List<Path> expired(FileSystem fs, Path root, int retentionDays, LocalDate today) throws IOException {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retention days must be at least 1, got " + retentionDays);
        }
        LocalDate oldestKept = today.minusDays(retentionDays);
        List<Path> expired = new ArrayList<>();
        if (!fs.exists(root)) {
            return expired;
        }
        for (FileStatus day : fs.listStatus(root, p -> p.getName().startsWith(DAY_PREFIX))) {
            if (!day.isDirectory()) {
                continue;
            }
            try {
                LocalDate date = LocalDate.parse(day.getPath().getName().substring(DAY_PREFIX.length()));
                if (date.isBefore(oldestKept)) {
                    expired.add(day.getPath());
                }
            } catch (DateTimeParseException e) {
                // Not a day folder of the archive: never deleted by the retention.
            }
        }
        expired.sort(null);
        return expired;
    }

    /**
     * @param dayFolder a {@code date=YYYY-MM-DD} folder
     * @return its date
     */
    public static LocalDate dateOf(Path dayFolder) {
        return LocalDate.parse(dayFolder.getName().substring(DAY_PREFIX.length()));
    }
}

package org.hospital.incidents.archive;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * Where the archive's entries live (docs/DESIGN.md "Archive"), the one place that builds or matches its folder
 * names: the stream's writer, the importer, a new checkpoint's ledger seed and analytics all ask here.
 *
 * <pre>
 * &lt;archive&gt;/date=&lt;UTC date&gt;/batch-&lt;batchTimeMillis&gt;/part-NNNNN&lt;codec extension&gt;   the stream
 * &lt;archive&gt;/date=&lt;UTC date&gt;/import-&lt;importMillis&gt;/part-NNNNN&lt;codec extension&gt;  the importer
 * </pre>
 *
 * <p>The date is that of the batch time (or the import's start) in UTC, so a reader of a time range lists only its
 * dates. Folders whose name starts with {@code _} are work in progress and never read.
 */
public final class ArchiveLayout {

    /** Folder-name prefix of one stream batch's entries. */
    public static final String BATCH_PREFIX = "batch-";
    /** Folder-name prefix of one import's entries. */
    public static final String IMPORT_PREFIX = "import-";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private ArchiveLayout() {
    }

    /**
     * @param root the archive root (local path or Hadoop URI)
     * @param epochMillis a batch time or an import's start
     * @return {@code <root>/date=<UTC date of epochMillis>}
     */
    public static Path dayFolder(String root, long epochMillis) {
        return new Path(new Path(root), "date=" + DAY.format(Instant.ofEpochMilli(epochMillis)));
    }

    /**
     * @param root the archive root
     * @param batchTimeMillis batch time, epoch millis
     * @return {@code <root>/date=<UTC date>/batch-<batchTimeMillis>}
     */
    public static Path batchFolder(String root, long batchTimeMillis) {
        return new Path(dayFolder(root, batchTimeMillis), BATCH_PREFIX + batchTimeMillis);
    }

    /**
     * @param root the archive root
     * @param importMillis the import's start, epoch millis
     * @return {@code <root>/date=<UTC date>/import-<importMillis>}
     */
    public static Path importFolder(String root, long importMillis) {
        return new Path(dayFolder(root, importMillis), IMPORT_PREFIX + importMillis);
    }

    /**
     * @param root the archive root
     * @param day a UTC date
     * @return a Hadoop glob of every part of that date, stream batches and imports
     */
    public static String partsOfDay(String root, LocalDate day) {
        return root + "/date=" + day + "/*/part-*";
    }

    /**
     * @param root the archive root, qualified
     * @return Hadoop globs of every stream part and every import part, in that order
     */
    public static List<Path> allParts(Path root) {
        return List.of(new Path(root, "date=*/" + BATCH_PREFIX + "*/part-*"),
                new Path(root, "date=*/" + IMPORT_PREFIX + "*/part-*"));
    }

    /** @return the folders {@link #allParts} matches, as a user reads them in a message */
    public static String describeParts() {
        return "date=*/" + BATCH_PREFIX + "*/part-*, date=*/" + IMPORT_PREFIX + "*/part-*";
    }
}

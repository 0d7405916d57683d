package org.hospital.incidents.stream.sink;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.hospital.incidents.archive.ArchiveRetention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the archive's day folders past {@code archive-retention-days} ({@link ArchiveRetention}), logging each
 * deletion and recording it in the audit trail: {@code <output>/audit/prune-<millis>/part-00000}, one line per day
 * folder, {@code {"action":"archive-day-deleted"|"archive-day-expired (dry run)","archive","day","retentionDays",
 * "at"}}, owner-only like every output. Shared by the job (once a day) and {@code bin/incident-archive prune}.
 */
public final class ArchivePruning {

    private static final Logger LOG = LoggerFactory.getLogger(ArchivePruning.class);
    private static final Gson GSON = new Gson();

    private ArchivePruning() {
    }

    /**
     * @param archive the archive root (local path or Hadoop URI)
     * @param output the output root, whose {@code audit/} records the pruning
     * @param retentionDays days kept before today, ≥ 1
     * @param today today's UTC date
     * @param dryRun true to list and record what would be deleted, deleting nothing
     * @param conf Hadoop configuration
     * @return the day folders deleted (or that would be), oldest first
     * @throws IOException when the archive cannot be listed or a folder deleted, or the audit not written
     */
    public static List<Path> prune(String archive, String output, int retentionDays, LocalDate today, boolean dryRun,
            Configuration conf) throws IOException {
        Path root = new Path(archive);
        FileSystem fs = BatchOutputWriter.fileSystem(root, conf);
        List<Path> expired = ArchiveRetention.expired(fs, fs.makeQualified(root), retentionDays, today);
        List<String> audit = new ArrayList<>();
        long at = System.currentTimeMillis();
        for (Path day : expired) {
            if (!dryRun) {
                if (!fs.delete(day, true)) {
                    throw new IOException("could not delete " + day);
                }
                LOG.info("Archive retention ({} days): deleted {}", retentionDays, day);
            }
            JsonObject line = new JsonObject();
            line.addProperty("action", dryRun ? "archive-day-expired (dry run)" : "archive-day-deleted");
            line.addProperty("archive", fs.makeQualified(root).toString());
            line.addProperty("day", ArchiveRetention.dateOf(day).toString());
            line.addProperty("retentionDays", retentionDays);
            line.addProperty("at", java.time.Instant.ofEpochMilli(at).toString());
            audit.add(GSON.toJson(line));
        }
        if (!audit.isEmpty()) {
            Path outputRoot = new Path(output);
            FileSystem outFs = BatchOutputWriter.fileSystem(outputRoot, conf);
            Path folder = new Path(new Path(outputRoot, BatchOutcomes.Output.AUDIT.folder()), "prune-" + at);
            BatchOutputWriter.mkdirs(outFs, folder);
            try (OutputStream out = BatchOutputWriter.createOwnerOnly(outFs, new Path(folder,
                    BatchOutcomes.Output.AUDIT.partPrefix() + "-00000"))) {
                for (String line : audit) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return expired;
    }
}

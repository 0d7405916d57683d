package org.hospital.incidents.io;

import java.io.IOException;
import java.io.Serializable;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;

/**
 * Writes one batch of JSON lines to {@code <root>/<name>/batch-<batchTimeMillis>/part-*}, idempotently.
 *
 * <p>Works on any Hadoop file system URI (a local path, {@code file://}, {@code hdfs://}). The batch is first
 * saved under {@code <root>/_tmp/} and then moved into place, replacing the files this writer put there before:
 * a batch that Spark re-runs after recovery rewrites its folder instead of adding a second copy (DESIGN.md
 * "Outputs"). Two writers may share one batch folder if their part prefixes differ (CRITICAL and SURGE alerts).
 * Nothing is written for an empty batch.
 *
 * <p>Called on the driver, inside {@code foreachRDD}.
 */
public final class BatchFolderWriter implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String root;

    /** @param root output root, local path or Hadoop URI (the {@code --output} option) */
    public BatchFolderWriter(String root) {
        this.root = root;
    }

    /**
     * Writes the batch.
     *
     * @param lines JSON lines; should be cached by the caller, as it is counted and then saved
     * @param name output name, e.g. {@code ward-totals}
     * @param partPrefix prefix of this writer's part files, e.g. {@code part} or {@code part-critical}
     * @param batchTimeMillis batch time, epoch millis
     * @param hadoopConf the Spark context's Hadoop configuration
     * @return lines written (0 when the batch was empty and nothing was written)
     * @throws IOException when the file system refuses a step; the caller lets the batch fail
     */
    public long write(JavaRDD<String> lines, String name, String partPrefix, long batchTimeMillis,
            Configuration hadoopConf) throws IOException {
        long count = lines.count();
        if (count == 0) {
            return 0;
        }
        Path target = batchFolder(name, batchTimeMillis);
        Path temp = new Path(new Path(root, "_tmp"), name + "-batch-" + batchTimeMillis + "-" + UUID.randomUUID());
        FileSystem fs = target.getFileSystem(hadoopConf);
        // Small outputs: one file per batch keeps HDFS free of thousands of tiny part files.
        lines.coalesce(1).saveAsTextFile(temp.toString());
        fs.mkdirs(target);
        for (FileStatus old : fs.listStatus(target, path -> path.getName().startsWith(partPrefix + "-"))) {
            fs.delete(old.getPath(), false);
        }
        for (FileStatus part : fs.listStatus(temp, path -> path.getName().startsWith("part-"))) {
            String suffix = part.getPath().getName().substring("part-".length());
            Path destination = new Path(target, partPrefix + "-" + suffix);
            if (!fs.rename(part.getPath(), destination)) {
                throw new IOException("could not move " + part.getPath() + " to " + destination);
            }
        }
        fs.delete(temp, true);
        return count;
    }

    /**
     * @param name output name
     * @param batchTimeMillis batch time, epoch millis
     * @return {@code <root>/<name>/batch-<batchTimeMillis>}
     */
    public Path batchFolder(String name, long batchTimeMillis) {
        return new Path(new Path(root, name), "batch-" + batchTimeMillis);
    }
}

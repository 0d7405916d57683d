package org.hospital.incidents.stream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The settings a checkpoint was created with, kept beside Spark's own files in the checkpoint directory
 * ({@value #FILE_NAME}), so that a restart with different ones is refused instead of silently ignored.
 *
 * <p>Why: {@code JavaStreamingContext.getOrCreate} rebuilds the whole graph from the checkpoint and never calls
 * the factory again, so after a restart every new flag value that shapes the graph (window, output, sources...)
 * would have no effect while the start-up log printed it (issue 12; DESIGN.md "Restarts and upgrades").
 *
 * <p>The file is a Java properties file of {@link Settings#frozenByCheckpoint()}, written when a fresh context
 * is created. A checkpoint directory is taken to hold a checkpoint when it has Spark's {@code checkpoint-<time>}
 * files (Spark 3.5 {@code Checkpoint.getCheckpointFiles}).
 */
public final class CheckpointSettings {

    /** File name inside the checkpoint directory. */
    public static final String FILE_NAME = "incident-settings.properties";

    private static final Pattern SPARK_CHECKPOINT_FILE = Pattern.compile("checkpoint-\\d+(\\.bk)?");

    private CheckpointSettings() {
    }

    /**
     * @param checkpoint checkpoint directory URI
     * @param conf Hadoop configuration
     * @return true when Spark has written at least one checkpoint file there (a restart recovers from it)
     * @throws IOException when the directory cannot be listed
     */
    public static boolean hasCheckpoint(String checkpoint, Configuration conf) throws IOException {
        Path dir = new Path(checkpoint);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return false;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            if (status.isFile() && SPARK_CHECKPOINT_FILE.matcher(status.getPath().getName()).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the settings file, replacing an older one (a fresh context in a directory without Spark files).
     *
     * @param checkpoint checkpoint directory URI (created when missing)
     * @param frozen {@link Settings#frozenByCheckpoint()}
     * @param conf Hadoop configuration
     * @throws IOException when it cannot be written
     */
    public static void write(String checkpoint, Map<String, String> frozen, Configuration conf) throws IOException {
        Path file = new Path(checkpoint, FILE_NAME);
        FileSystem fs = file.getFileSystem(conf);
        Properties properties = new Properties();
        properties.putAll(frozen);
        try (OutputStream out = fs.create(file, true)) {
            properties.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
                    "Settings this checkpoint was created with (hospital-incident-streaming); do not edit");
        }
    }

    /**
     * @param checkpoint checkpoint directory URI
     * @param conf Hadoop configuration
     * @return the stored settings, or null when the directory has no settings file (a checkpoint written by an
     *     older build)
     * @throws IOException when the file exists but cannot be read
     */
    public static Map<String, String> read(String checkpoint, Configuration conf) throws IOException {
        Path file = new Path(checkpoint, FILE_NAME);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = fs.open(file)) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Map<String, String> stored = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            stored.put(key, properties.getProperty(key));
        }
        return stored;
    }

    /**
     * @param stored settings in the checkpoint
     * @param given settings of this run
     * @return one entry per differing key, in the given map's order then the stored-only keys, e.g.
     *     {@code --window-seconds: 60 in the checkpoint, 30 now}; empty when they agree
     */
    public static List<String> differences(Map<String, String> stored, Map<String, String> given) {
        Set<String> keys = new LinkedHashSet<>(given.keySet());
        keys.addAll(stored.keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            String before = stored.get(key);
            String now = given.get(key);
            if (before == null ? now != null : !before.equals(now)) {
                differences.add(Settings.describeKey(key) + ": " + shown(before) + " in the checkpoint, "
                        + shown(now) + " now");
            }
        }
        return differences;
    }

    private static String shown(String value) {
        return value == null ? "(not set)" : value.isEmpty() ? "(empty)" : "'" + value + "'";
    }

    /**
     * @param checkpoint checkpoint directory
     * @param differences from {@link #differences}
     * @return the one-line refusal, naming each difference and the two ways out
     */
    public static String refusal(String checkpoint, List<String> differences) {
        return "the checkpoint in " + checkpoint + " was created with other settings, which it would keep: "
                + String.join("; ", differences) + ". Either start again with the checkpoint's values, or start "
                + "with a new --checkpoint directory (running totals carry on from the ward-totals under --output, "
                + "and repeats of reports already archived are rejected as duplicates).";
    }
}

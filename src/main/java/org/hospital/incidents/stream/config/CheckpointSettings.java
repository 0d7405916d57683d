package org.hospital.incidents.stream.config;

import static org.hospital.incidents.stream.config.Setting.ARCHIVE;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CLIENT_PREFIX;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CONSUMER_PREFIX;

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
 * would have no effect while the start-up log printed it (DESIGN.md "Restarts and upgrades").
 *
 * <p>The file is a Java properties file of {@link #frozen}, written when a fresh context
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
     * @param frozen {@link #frozen}
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
                differences.add(describeKey(key) + ": " + shown(before) + " in the checkpoint, "
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

    /**
     * The settings a checkpoint freezes: every value the graph, its sources and sinks, or the checkpointed Spark
     * configuration holds, resolved (defaults filled in). On recovery Spark rebuilds all of that from the
     * checkpoint, so a different value given now would be silently ignored; {@link #differences} compares
     * these maps instead. Left out: {@code --run-seconds}, {@code --config} and the restart flags (they act on
     * this run only), and the Spark keys that Spark itself reloads from the new run on recovery
     * ({@link #RELOADED_SPARK_KEYS}). Secret-looking Kafka and Spark values (passwords, JAAS configs, keys) appear
     * as a SHA-256 prefix, never in clear.
     *
     * @param settings this run's settings
     * @return key (config-file name) to value, in a stable order
     */
    public static Map<String, String> frozen(Settings settings) {
        Map<String, String> frozen = new LinkedHashMap<>();
        // The settings the table declares frozen (Setting#frozen), as resolved; the Spark and Kafka keys follow.
        for (Setting setting : Setting.values()) {
            if (setting.frozen() && setting.type() != Setting.Type.PASSED_ON) {
                frozen.put(setting.key(), setting == ARCHIVE && settings.archive() == null ? "none"
                        : settings.value(setting));
            }
        }
        for (Map.Entry<String, String> entry : settings.sparkConf().entrySet()) {
            if (!RELOADED_SPARK_KEYS.contains(entry.getKey())) {
                frozen.put(entry.getKey(), hideSecret(entry.getKey(), entry.getValue()));
            }
        }
        // As set: the provider keys added for references follow from the secrets, which are compared themselves.
        for (Map.Entry<String, String> entry : settings.kafkaClientAsSet().entrySet()) {
            String key = KAFKA_CLIENT_PREFIX + entry.getKey();
            frozen.put(key, hideSecret(key, entry.getValue()));
        }
        for (Map.Entry<String, String> entry : settings.kafkaConsumer().entrySet()) {
            String key = KAFKA_CONSUMER_PREFIX + entry.getKey();
            frozen.put(key, hideSecret(key, entry.getValue()));
        }
        return frozen;
    }

    /**
     * Spark keys that a recovered context takes from the new run, not from the checkpoint (Spark 3.5
     * {@code Checkpoint.createSparkConf}'s {@code propertiesToReload}), so they may change between restarts.
     */
    public static final List<String> RELOADED_SPARK_KEYS = List.of("spark.yarn.app.id", "spark.yarn.app.attemptId",
            "spark.driver.host", "spark.driver.bindAddress", "spark.driver.port", "spark.master",
            "spark.ui.port", "spark.blockManager.port", "spark.kubernetes.driver.pod.name",
            "spark.kubernetes.executor.podNamePrefix", "spark.yarn.jars", "spark.yarn.keytab", "spark.yarn.principal",
            "spark.kerberos.keytab", "spark.kerberos.principal", "spark.ui.filters", "spark.mesos.driver.frameworkId");

    private static String hideSecret(String key, String value) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.endsWith(".key") || lower.contains("token") || lower.contains("credential"))) {
            return value;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * @param key a key of {@link #frozen}
     * @return how a user sets it: {@code --window-seconds} for a flag, else {@code config key partitions}
     */
    public static String describeKey(String key) {
        return Setting.of(key).filter(Setting::hasFlag).map(Setting::flag).orElse("config key " + key);
    }
}

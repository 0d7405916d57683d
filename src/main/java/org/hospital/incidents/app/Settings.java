package org.hospital.incidents.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.storage.StorageLevel;
import org.hospital.incidents.io.CodecArchiveEncoder;
import org.hospital.incidents.pipeline.GraphSettings;

/**
 * The application's one typed configuration: built-in defaults, overridden by the properties file
 * ({@code --config}, default {@code config/application.properties}), overridden by command-line flags.
 *
 * <p>Each flag of DESIGN.md "Command line" has a properties key of the same name without the dashes
 * ({@code --window-seconds} / {@code window-seconds}). Keys that have no flag: {@link #PARTITIONS},
 * {@link #STATE_CHECKPOINT_SECONDS}, {@link #WINDOW_CHECKPOINT_SECONDS}, {@link #KAFKA_AUTO_OFFSET_RESET},
 * {@link #SOCKET_STORAGE_LEVEL}; keys starting {@code spark.} go to the SparkConf (unless spark-submit already
 * set them) and keys starting {@code kafka.consumer.} go to the Kafka consumer (e.g.
 * {@code kafka.consumer.security.protocol}). Any other key is an error, so a typo never passes silently.
 *
 * <p>Every validation error is a {@link SettingsException} naming the flag (or the file and key).
 */
public final class Settings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Key of {@code --socket}. */
    public static final String SOCKET = "socket";
    /** Key of {@code --kafka}. */
    public static final String KAFKA = "kafka";
    /** Key of {@code --topics}. */
    public static final String TOPICS = "topics";
    /** Key of {@code --group-id}. */
    public static final String GROUP_ID = "group-id";
    /** Key of {@code --checkpoint}. */
    public static final String CHECKPOINT = "checkpoint";
    /** Key of {@code --output}. */
    public static final String OUTPUT = "output";
    /** Key of {@code --batch-seconds}. */
    public static final String BATCH_SECONDS = "batch-seconds";
    /** Key of {@code --window-seconds}. */
    public static final String WINDOW_SECONDS = "window-seconds";
    /** Key of {@code --slide-seconds}. */
    public static final String SLIDE_SECONDS = "slide-seconds";
    /** Key of {@code --surge-threshold}. */
    public static final String SURGE_THRESHOLD = "surge-threshold";
    /** Key of {@code --run-seconds}. */
    public static final String RUN_SECONDS = "run-seconds";
    /** Partitions of the per-ward state and window shuffles. */
    public static final String PARTITIONS = "partitions";
    /** Checkpoint interval of the running-state stream, seconds (Spark guide: 5-10 x its slide interval). */
    public static final String STATE_CHECKPOINT_SECONDS = "state-checkpoint-seconds";
    /** Checkpoint interval of the windowed stream, seconds; blank = 5 x slide interval. */
    public static final String WINDOW_CHECKPOINT_SECONDS = "window-checkpoint-seconds";
    /** Kafka {@code auto.offset.reset} for a group with no committed offset. */
    public static final String KAFKA_AUTO_OFFSET_RESET = "kafka.auto-offset-reset";
    /** Spark storage level of socket receiver blocks. */
    public static final String SOCKET_STORAGE_LEVEL = "socket.storage-level";

    /** Key of {@code --archive}: root of the archive of every line received, or {@code none}. */
    public static final String ARCHIVE = "archive";
    /** Hadoop codec of the archive's part files. */
    public static final String ARCHIVE_CODEC = "archive.codec";

    /** File whose bytes are the key of patientRef tokens (DESIGN.md "Pseudonymisation"); created when missing. */
    public static final String PSEUDONYM_KEY_FILE = "pseudonym-key-file";

    /** Prefix of keys passed to the SparkConf. */
    public static final String SPARK_PREFIX = "spark.";
    /** Prefix of keys passed to the Kafka consumer. */
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";

    /** Default properties file, relative to the working directory. */
    public static final String DEFAULT_CONFIG_FILE = "config/application.properties";

    /** Built-in defaults: the values DESIGN.md fixes; {@code config/application.properties} repeats them. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(SOCKET, "");
        defaults.put(KAFKA, "");
        defaults.put(TOPICS, "hospital-incidents");
        defaults.put(GROUP_ID, "hospital-incident-streaming");
        defaults.put(CHECKPOINT, "data/checkpoint");
        defaults.put(OUTPUT, "data/out");
        defaults.put(BATCH_SECONDS, "1");
        defaults.put(WINDOW_SECONDS, "60");
        defaults.put(SLIDE_SECONDS, "5");
        defaults.put(SURGE_THRESHOLD, "10");
        defaults.put(RUN_SECONDS, "");
        defaults.put(PARTITIONS, "2");
        defaults.put(STATE_CHECKPOINT_SECONDS, "10");
        defaults.put(WINDOW_CHECKPOINT_SECONDS, "");
        defaults.put(KAFKA_AUTO_OFFSET_RESET, "earliest");
        defaults.put(SOCKET_STORAGE_LEVEL, "MEMORY_AND_DISK_SER");
        defaults.put(PSEUDONYM_KEY_FILE, "data/pseudonym.key");
        defaults.put(ARCHIVE, "data/archive");
        defaults.put(ARCHIVE_CODEC, "gzip");
        DEFAULTS = Collections.unmodifiableMap(defaults);
    }

    private final String socketHost;
    private final int socketPort;
    private final String kafkaBootstrap;
    private final List<String> topics;
    private final String groupId;
    private final String checkpoint;
    private final String output;
    private final int runSeconds;
    private final GraphSettings graph;
    private final String kafkaAutoOffsetReset;
    private final String socketStorageLevel;
    private final String pseudonymKeyFile;
    private final String archive;
    private final String archiveCodec;
    private final Map<String, String> sparkConf;
    private final Map<String, String> kafkaConsumer;

    private Settings(Resolver r) throws SettingsException {
        String socket = r.text(SOCKET);
        if (socket.isEmpty()) {
            socketHost = null;
            socketPort = -1;
        } else {
            int colon = socket.lastIndexOf(':');
            if (colon <= 0 || colon == socket.length() - 1) {
                throw r.error(SOCKET, "expected HOST:PORT, got '" + socket + "'");
            }
            socketHost = socket.substring(0, colon);
            socketPort = r.parseInt(SOCKET, socket.substring(colon + 1), 1, 65_535, "a port from 1 to 65535");
        }
        kafkaBootstrap = r.text(KAFKA).isEmpty() ? null : r.text(KAFKA);
        if (socketHost == null && kafkaBootstrap == null) {
            throw new SettingsException("--socket or --kafka is required (both may be given)");
        }
        topics = new ArrayList<>();
        for (String topic : r.text(TOPICS).split(",")) {
            if (!topic.isBlank()) {
                topics.add(topic.trim());
            }
        }
        if (topics.isEmpty()) {
            throw r.error(TOPICS, "expected at least one topic name");
        }
        groupId = r.required(GROUP_ID);
        checkpoint = r.required(CHECKPOINT);
        output = r.required(OUTPUT);
        int batch = r.positiveInt(BATCH_SECONDS);
        int window = r.positiveInt(WINDOW_SECONDS);
        int slide = r.positiveInt(SLIDE_SECONDS);
        if (window % batch != 0) {
            throw r.error(WINDOW_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got " + window);
        }
        if (slide % batch != 0) {
            throw r.error(SLIDE_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got " + slide);
        }
        if (slide > window) {
            throw r.error(SLIDE_SECONDS, "must not exceed --window-seconds (" + window + "), got " + slide);
        }
        int threshold = r.positiveInt(SURGE_THRESHOLD);
        runSeconds = r.text(RUN_SECONDS).isEmpty() ? 0 : r.positiveInt(RUN_SECONDS);
        int partitions = r.positiveInt(PARTITIONS);
        int stateCheckpoint = r.positiveInt(STATE_CHECKPOINT_SECONDS);
        if (stateCheckpoint % batch != 0) {
            throw r.error(STATE_CHECKPOINT_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got "
                    + stateCheckpoint);
        }
        int windowCheckpoint = r.text(WINDOW_CHECKPOINT_SECONDS).isEmpty() ? 5 * slide
                : r.positiveInt(WINDOW_CHECKPOINT_SECONDS);
        if (windowCheckpoint % slide != 0) {
            throw r.error(WINDOW_CHECKPOINT_SECONDS, "must be a multiple of --slide-seconds (" + slide + "), got "
                    + windowCheckpoint);
        }
        graph = new GraphSettings(batch, window, slide, threshold, partitions, stateCheckpoint, windowCheckpoint);
        kafkaAutoOffsetReset = r.text(KAFKA_AUTO_OFFSET_RESET);
        if (!List.of("earliest", "latest", "none").contains(kafkaAutoOffsetReset)) {
            throw r.error(KAFKA_AUTO_OFFSET_RESET, "expected earliest, latest or none, got '"
                    + kafkaAutoOffsetReset + "'");
        }
        socketStorageLevel = r.text(SOCKET_STORAGE_LEVEL);
        try {
            StorageLevel.fromString(socketStorageLevel);
        } catch (IllegalArgumentException e) {
            throw r.error(SOCKET_STORAGE_LEVEL, "unknown Spark storage level '" + socketStorageLevel + "'");
        }
        pseudonymKeyFile = r.required(PSEUDONYM_KEY_FILE);
        String archiveRoot = r.required(ARCHIVE);
        archive = "none".equals(archiveRoot) ? null : archiveRoot;
        archiveCodec = r.text(ARCHIVE_CODEC);
        if (!CodecArchiveEncoder.CODECS.contains(archiveCodec)) {
            throw r.error(ARCHIVE_CODEC, "expected one of " + CodecArchiveEncoder.CODECS + ", got '" + archiveCodec
                    + "'");
        }
        sparkConf = r.prefixed(SPARK_PREFIX, false);
        for (String key : sparkConf.keySet()) {
            String problem = key.startsWith("spark.streaming.") ? KnownKeys.checkStreamingKey(key) : null;
            if (problem != null) {
                throw r.error(key, problem);
            }
        }
        kafkaConsumer = r.prefixed(KAFKA_CONSUMER_PREFIX, true);
        for (String name : kafkaConsumer.keySet()) {
            String problem = KnownKeys.checkConsumerKey(name);
            if (problem != null) {
                throw r.error(KAFKA_CONSUMER_PREFIX + name, problem);
            }
        }
        String badValue = KnownKeys.checkConsumerValues(kafkaConsumer);
        if (badValue != null) {
            throw new SettingsException(r.fileName() + ": " + KAFKA_CONSUMER_PREFIX + "*: " + badValue);
        }
    }

    /**
     * Resolves settings from the defaults, a properties file and flags.
     *
     * @param flags flag values given on the command line, keyed without dashes (absent = not given)
     * @param configFile the {@code --config} value, or null for {@link #DEFAULT_CONFIG_FILE} (which may be absent)
     * @return validated settings
     * @throws SettingsException naming the flag, key or file at fault
     */
    public static Settings resolve(Map<String, String> flags, String configFile) throws SettingsException {
        Map<String, String> fileValues = new TreeMap<>();
        String fileName = configFile == null ? DEFAULT_CONFIG_FILE : configFile;
        Path path = Path.of(fileName);
        try (InputStream in = Files.newInputStream(path)) {
            Properties properties = new Properties();
            properties.load(in);
            for (String key : properties.stringPropertyNames()) {
                fileValues.put(key, properties.getProperty(key).trim());
            }
        } catch (NoSuchFileException e) {
            if (configFile != null) {
                throw new SettingsException("--config: file not found: " + path.toAbsolutePath());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException("--config: cannot read " + path.toAbsolutePath() + ": " + e.getMessage());
        }
        for (String key : fileValues.keySet()) {
            if (!DEFAULTS.containsKey(key) && !key.startsWith(SPARK_PREFIX) && !key.startsWith(KAFKA_CONSUMER_PREFIX)) {
                throw new SettingsException(fileName + ": unknown key '" + key + "'");
            }
        }
        return new Settings(new Resolver(flags, fileValues, fileName));
    }

    /** @return socket source host, or null when there is no socket source */
    public String socketHost() {
        return socketHost;
    }

    /** @return socket source port, -1 when there is no socket source */
    public int socketPort() {
        return socketPort;
    }

    /** @return Kafka bootstrap servers, or null when there is no Kafka source */
    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** @return Kafka topics, at least one */
    public List<String> topics() {
        return Collections.unmodifiableList(topics);
    }

    /** @return Kafka consumer group */
    public String groupId() {
        return groupId;
    }

    /** @return checkpoint directory (local path or Hadoop URI) */
    public String checkpoint() {
        return checkpoint;
    }

    /** @return output root (local path or Hadoop URI) */
    public String output() {
        return output;
    }

    /** @return seconds to run before a graceful stop, 0 = until stopped */
    public int runSeconds() {
        return runSeconds;
    }

    /** @return the graph parameters */
    public GraphSettings graph() {
        return graph;
    }

    /** @return Kafka {@code auto.offset.reset} */
    public String kafkaAutoOffsetReset() {
        return kafkaAutoOffsetReset;
    }

    /** @return storage level name of socket receiver blocks */
    public String socketStorageLevel() {
        return socketStorageLevel;
    }

    /** @return {@code spark.*} settings from the config file and flags, to apply unless already set */
    /** @return the archive root (local path or Hadoop URI), or null when {@code --archive none} */
    public String archive() {
        return archive;
    }

    /** @return Hadoop codec name of the archive ({@code gzip} or {@code bzip2}) */
    public String archiveCodec() {
        return archiveCodec;
    }

    /** @return path of the pseudonymisation key file (config key {@code pseudonym-key-file}) */
    public String pseudonymKeyFile() {
        return pseudonymKeyFile;
    }

    public Map<String, String> sparkConf() {
        return Collections.unmodifiableMap(sparkConf);
    }

    /** @return extra Kafka consumer properties (prefix stripped) */
    public Map<String, String> kafkaConsumer() {
        return Collections.unmodifiableMap(kafkaConsumer);
    }

    /** Looks values up flag first, then file, then default, and words errors after where the value came from. */
    private static final class Resolver {
        private final Map<String, String> flags;
        private final Map<String, String> file;
        private final String fileName;

        Resolver(Map<String, String> flags, Map<String, String> file, String fileName) {
            this.flags = flags;
            this.file = file;
            this.fileName = fileName;
        }

        String text(String key) {
            String value = flags.get(key);
            if (value == null) {
                value = file.get(key);
            }
            if (value == null) {
                value = DEFAULTS.get(key);
            }
            return value == null ? "" : value.trim();
        }

        String required(String key) throws SettingsException {
            String value = text(key);
            if (value.isEmpty()) {
                throw error(key, "must not be empty");
            }
            return value;
        }

        int positiveInt(String key) throws SettingsException {
            return parseInt(key, text(key), 1, Integer.MAX_VALUE, "a whole number >= 1");
        }

        int parseInt(String key, String value, int min, int max, String expected) throws SettingsException {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // fall through to the error naming the flag
            }
            throw error(key, "expected " + expected + ", got '" + value + "'");
        }

        Map<String, String> prefixed(String prefix, boolean strip) {
            Map<String, String> result = new TreeMap<>();
            for (Map<String, String> source : Arrays.asList(file, flags)) {
                for (Map.Entry<String, String> entry : source.entrySet()) {
                    if (entry.getKey().startsWith(prefix)) {
                        String key = strip ? entry.getKey().substring(prefix.length()) : entry.getKey();
                        result.put(key, entry.getValue());
                    }
                }
            }
            return result;
        }

        String fileName() {
            return fileName;
        }

        SettingsException error(String key, String message) {
            String where = flags.containsKey(key) ? "--" + key
                    : file.containsKey(key) ? fileName + ": " + key : "default " + key;
            return new SettingsException(where + ": " + message);
        }
    }
}

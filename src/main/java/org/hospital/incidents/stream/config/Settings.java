package org.hospital.incidents.stream.config;

import static org.hospital.incidents.stream.config.Setting.ALERTS_TOPIC;
import static org.hospital.incidents.stream.config.Setting.ALLOWED_LATENESS_SECONDS;
import static org.hospital.incidents.stream.config.Setting.ARCHIVE;
import static org.hospital.incidents.stream.config.Setting.ARCHIVE_CODEC;
import static org.hospital.incidents.stream.config.SettingKeys.BASE_DIR_PROPERTY;
import static org.hospital.incidents.stream.config.Setting.BATCH_SECONDS;
import static org.hospital.incidents.stream.config.Setting.CHECKPOINT;
import static org.hospital.incidents.stream.config.Setting.DEDUP_HORIZON_HOURS;
import static org.hospital.incidents.stream.config.SettingKeys.DEFAULTS;
import static org.hospital.incidents.stream.config.Setting.GROUP_ID;
import static org.hospital.incidents.stream.config.Setting.KAFKA;
import static org.hospital.incidents.stream.config.Setting.KAFKA_AUTO_OFFSET_RESET;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CLIENT_PREFIX;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CONSUMER_PREFIX;
import static org.hospital.incidents.stream.config.Setting.MAX_FUTURE_SECONDS;
import static org.hospital.incidents.stream.config.Setting.MAX_LINE_BYTES;
import static org.hospital.incidents.stream.config.Setting.OUTPUT;
import static org.hospital.incidents.stream.config.Setting.PARTITIONS;
import static org.hospital.incidents.stream.config.Setting.PSEUDONYM_KEY_FILE;
import static org.hospital.incidents.stream.config.Setting.RUN_SECONDS;
import static org.hospital.incidents.stream.config.Setting.SLIDE_SECONDS;
import static org.hospital.incidents.stream.config.Setting.SOCKET;
import static org.hospital.incidents.stream.config.Setting.SOCKET_STORAGE_LEVEL;
import static org.hospital.incidents.stream.config.SettingKeys.SPARK_PREFIX;
import static org.hospital.incidents.stream.config.Setting.STARTUP_TIMEOUT_SECONDS;
import static org.hospital.incidents.stream.config.Setting.STATE_CHECKPOINT_SECONDS;
import static org.hospital.incidents.stream.config.Setting.SURGE_LIMITS;
import static org.hospital.incidents.stream.config.Setting.SURGE_THRESHOLD;
import static org.hospital.incidents.stream.config.Setting.TOPICS;
import static org.hospital.incidents.stream.config.Setting.WINDOW_SECONDS;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.storage.StorageLevel;
import org.hospital.incidents.pipeline.GraphSettings;

/**
 * The application's one typed configuration: built-in defaults, overridden by the properties file
 * ({@code --config}, default {@code config/application.properties}), overridden by command-line flags; this class
 * resolves and validates the values. The keys and defaults are {@link SettingKeys}' (keys without a flag, e.g.
 * {@code partitions}, {@code kafka.auto-offset-reset}; keys starting {@code spark.} go to the SparkConf unless
 * spark-submit already set them, {@code kafka.consumer.} to the job's Kafka consumer, {@code kafka.client.} to every
 * Kafka client the project makes, see {@link KafkaClientKeys}); reading the file is {@link ConfigFile}'s, and what a
 * checkpoint keeps {@link CheckpointSettings}'.
 *
 * <p>Every validation error is a {@link SettingsException} naming the flag (or the file and key).
 */
public final class Settings implements Serializable {

    private static final long serialVersionUID = 1L;


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
    private final String surgeLimits;
    private final int maxLineBytes;
    private final int startupTimeoutSeconds;
    private final String alertsTopic;
    private final String archive;
    private final String archiveCodec;
    private final int dedupHorizonHours;
    private final Map<String, String> sparkConf;
    private final Map<String, String> kafkaConsumer;
    private final Map<String, String> kafkaClient;
    private final Map<String, String> kafkaClientAsSet;
    private final String configFile;
    /** Every declared setting's value as resolved (flag, file or default), trimmed. */
    private final Map<String, String> values = new TreeMap<>();
    private boolean resetState;
    private boolean takeover;

    private Settings(Resolver r) throws SettingsException {
        configFile = r.fileName();
        // The declared type and range of every setting, checked the same way for all (Setting); the rules between
        // settings follow.
        String base = System.getProperty(BASE_DIR_PROPERTY);
        for (Setting setting : Setting.values()) {
            String value = r.text(setting);
            boolean path = setting.type() == Setting.Type.PATH && !value.isEmpty() && !"none".equals(value);
            values.put(setting.key(), path ? ConfigFile.local(value, base) : value);
            if (value.isEmpty() && setting.defaultValue().isEmpty()) {
                continue;
            }
            if (setting.type() == Setting.Type.CHOICE && !setting.choices().contains(value)) {
                throw r.error(setting, "expected " + String.join(", ", setting.choices()) + ", got '" + value + "'");
            }
        }
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
            socketPort = r.parseInt(SOCKET.key(), socket.substring(colon + 1), 1, 65_535, "a port from 1 to 65535");
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
        String baseDir = System.getProperty(BASE_DIR_PROPERTY);
        checkpoint = ConfigFile.local(r.required(CHECKPOINT), baseDir);
        output = ConfigFile.local(r.required(OUTPUT), baseDir);
        int batch = r.intValue(BATCH_SECONDS);
        int window = r.intValue(WINDOW_SECONDS);
        int slide = r.intValue(SLIDE_SECONDS);
        if (window % batch != 0) {
            throw r.error(WINDOW_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got " + window);
        }
        if (slide % batch != 0) {
            throw r.error(SLIDE_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got " + slide);
        }
        if (slide > window) {
            throw r.error(SLIDE_SECONDS, "must not exceed --window-seconds (" + window + "), got " + slide);
        }
        int threshold = r.intValue(SURGE_THRESHOLD);
        runSeconds = r.text(RUN_SECONDS).isEmpty() ? 0 : r.intValue(RUN_SECONDS);
        int partitions = r.intValue(PARTITIONS);
        int stateCheckpoint = r.intValue(STATE_CHECKPOINT_SECONDS);
        if (stateCheckpoint % batch != 0) {
            throw r.error(STATE_CHECKPOINT_SECONDS, "must be a multiple of --batch-seconds (" + batch + "), got "
                    + stateCheckpoint);
        }
        int lateness = r.intValue(ALLOWED_LATENESS_SECONDS);
        int maxFuture = r.intValue(MAX_FUTURE_SECONDS);
        graph = new GraphSettings(batch, window, slide, threshold, partitions, stateCheckpoint, lateness, maxFuture);
        surgeLimits = r.text(SURGE_LIMITS).isEmpty() ? null : ConfigFile.local(r.text(SURGE_LIMITS), baseDir);
        maxLineBytes = maxLineBytes(r);
        kafkaAutoOffsetReset = r.text(KAFKA_AUTO_OFFSET_RESET);
        socketStorageLevel = r.text(SOCKET_STORAGE_LEVEL);
        try {
            StorageLevel.fromString(socketStorageLevel);
        } catch (IllegalArgumentException e) {
            throw r.error(SOCKET_STORAGE_LEVEL, "unknown Spark storage level '" + socketStorageLevel + "'");
        }
        pseudonymKeyFile = ConfigFile.local(r.required(PSEUDONYM_KEY_FILE), baseDir);
        String archiveRoot = r.required(ARCHIVE);
        archive = "none".equals(archiveRoot) ? null : ConfigFile.local(archiveRoot, baseDir);
        archiveCodec = r.text(ARCHIVE_CODEC);
        startupTimeoutSeconds = r.intValue(STARTUP_TIMEOUT_SECONDS);
        alertsTopic = r.text(ALERTS_TOPIC).isEmpty() ? null : r.text(ALERTS_TOPIC);
        if (alertsTopic != null && kafkaBootstrap == null) {
            throw r.error(ALERTS_TOPIC, "needs --kafka (alerts are published to the input's Kafka cluster)");
        }
        dedupHorizonHours = r.parseInt(DEDUP_HORIZON_HOURS.key(), r.text(DEDUP_HORIZON_HOURS), 0, 24 * 366 * 10,
                "a whole number of hours from 0 (no duplicate check) to 87840");
        sparkConf = r.prefixed(SPARK_PREFIX, false);
        for (String key : sparkConf.keySet()) {
            String problem = key.startsWith("spark.streaming.") ? KnownKeys.checkStreamingKey(key) : null;
            if (problem != null) {
                throw r.error(key, problem);
            }
        }
        KafkaKeys kafkaKeys = kafkaKeys(r);
        kafkaClient = kafkaKeys.client();
        kafkaConsumer = kafkaKeys.consumer();
        kafkaClientAsSet = kafkaKeys.clientAsSet();
        // Every whole-number setting in its declared range; those with rules of their own were checked above, with
        // their own words, so this catches a setting declared with nothing but its range.
        for (Setting setting : Setting.values()) {
            if (setting.type() == Setting.Type.INT && !r.text(setting).isEmpty()) {
                r.intValue(setting);
            }
        }
    }

    /**
     * The {@code kafka.client.*} and {@code kafka.consumer.*} settings, prefixes stripped, secrets as references;
     * {@code clientAsSet} without the provider keys added for those references (what a checkpoint compares).
     */
    private record KafkaKeys(Map<String, String> client, Map<String, String> consumer,
            Map<String, String> clientAsSet) {
    }

    private static KafkaKeys kafkaKeys(Resolver r) throws SettingsException {
        Map<String, String> client = r.prefixed(KAFKA_CLIENT_PREFIX, true);
        for (String name : client.keySet()) {
            String problem = KafkaClientKeys.check(name);
            if (problem != null) {
                throw r.error(KAFKA_CLIENT_PREFIX + name, problem);
            }
        }
        Map<String, String> consumer = r.prefixed(KAFKA_CONSUMER_PREFIX, true);
        for (String name : consumer.keySet()) {
            String problem = KnownKeys.checkConsumerKey(name);
            if (problem != null) {
                throw r.error(KAFKA_CONSUMER_PREFIX + name, problem);
            }
            if (client.containsKey(name)) {
                throw r.error(KAFKA_CONSUMER_PREFIX + name, "also set as " + KAFKA_CLIENT_PREFIX + name
                        + "; set it once");
            }
        }
        Map<String, String> all = new TreeMap<>(client);
        all.putAll(consumer);
        String badValue = KnownKeys.checkConsumerValues(all);
        if (badValue != null) {
            throw new SettingsException((r.fileName() == null ? "built-in defaults" : r.fileName()) + ": "
                    + "kafka.*: " + badValue);
        }
        Path file = r.fileName() == null ? null : ConfigFile.path(r.fileName()).toAbsolutePath().normalize();
        List<String> literal = new ArrayList<>();
        client = KafkaClientKeys.referenced(KAFKA_CLIENT_PREFIX, client, file, literal);
        consumer = KafkaClientKeys.referenced(KAFKA_CONSUMER_PREFIX, consumer, file, literal);
        Map<String, String> asSet = client;
        if (!literal.isEmpty()) {
            KafkaClientKeys.checkOwnerOnly(file, literal);
            client = KafkaClientKeys.withProvider(client);
        }
        return new KafkaKeys(client, consumer, asSet);
    }

    private static int maxLineBytes(Resolver r) throws SettingsException {
        // At least a real report's size; at most what one Java array can hold.
        return r.parseInt(MAX_LINE_BYTES.key(), r.text(MAX_LINE_BYTES), 1024, Integer.MAX_VALUE - 16,
                "a whole number of bytes from 1024");
    }

    /**
     * {@code max-line-bytes} for a tool that reads reports itself ({@code bin/incident-import}'s rows), read and
     * checked as {@link #resolve} does, so the importer and the stream accept the same values.
     *
     * @param configFile the {@code --config} value, or null (then {@link SettingKeys#CONFIG_PROPERTY}, or none)
     * @return the longest line read as a report, bytes
     * @throws SettingsException naming the file and key when the value is out of range or not a number
     */
    public static int maxLineBytes(String configFile) throws SettingsException {
        return maxLineBytes(Resolver.of(Map.of(), configFile));
    }

    /**
     * The {@code kafka.client.*} settings for a tool that makes its own Kafka clients ({@code bin/incident-review},
     * {@code bin/incident-import}, {@code bin/feed-incidents}): read and checked as {@link #resolve} does, literal
     * secrets turned into references to the file (see {@link #kafkaClient()}).
     *
     * @param configFile the {@code --config} value, or null (then {@link SettingKeys#CONFIG_PROPERTY}, or none)
     * @return client settings without prefix; empty when none are configured
     * @throws SettingsException naming the file or key at fault
     */
    public static Map<String, String> kafkaClient(String configFile) throws SettingsException {
        return Collections.unmodifiableMap(kafkaKeys(Resolver.of(Map.of(), configFile)).client());
    }

    /**
     * Resolves settings from the defaults, a properties file and flags.
     *
     * @param flags flag values given on the command line, keyed without dashes (absent = not given)
     * @param configFile the {@code --config} value, or null: then the file named by the
     *     {@link SettingKeys#CONFIG_PROPERTY}
     *     system property, or none (built-in defaults only)
     * @return validated settings
     * @throws SettingsException naming the flag, key or file at fault; a named file that does not exist is an
     *     error
     */
    public static Settings resolve(Map<String, String> flags, String configFile) throws SettingsException {
        return new Settings(Resolver.of(flags, configFile));
    }


    /**
     * Sets the two restart flags, which have no config-file key: they say what to do this one time.
     *
     * @param resetState {@code --reset-state}: on a new checkpoint, start every ward from zero instead of its
     *     latest {@code ward-totals} line
     * @param takeover {@code --takeover}: start even though another driver holds the group's lease
     * @return this
     */
    public Settings withRestartFlags(boolean resetState, boolean takeover) {
        this.resetState = resetState;
        this.takeover = takeover;
        return this;
    }

    /** @return true with {@code --reset-state} */
    public boolean resetState() {
        return resetState;
    }

    /** @return true with {@code --takeover} */
    public boolean takeover() {
        return takeover;
    }

    /**
     * A setting's value as resolved: the flag's, else the config file's, else the built-in default; what a newly
     * declared setting is read with.
     *
     * @param setting a declared setting
     * @return its value, trimmed; empty when none
     */
    public String value(Setting setting) {
        return values.getOrDefault(setting.key(), "");
    }

    /**
     * @param setting a declared setting of {@link Setting.Type#INT}
     * @return its value
     * @throws IllegalArgumentException when it is not a number (a setting declared with another type, or empty)
     */
    public int intValue(Setting setting) {
        return Integer.parseInt(value(setting));
    }

    /** @return the properties file read, or null when only the built-in defaults apply */
    public String configFile() {
        return configFile;
    }


    /**
     * @return how long an eventId is remembered against repeats, hours (config {@code dedup-horizon-hours}); 0 turns
     *     the duplicate check off
     */
    public int dedupHorizonHours() {
        return dedupHorizonHours;
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

    /** @return {@code --alerts-topic}, or null when alerts are not published to Kafka */
    public String alertsTopic() {
        return alertsTopic;
    }

    /** @return config key {@code startup-timeout-seconds}: most seconds the start waits for Kafka and HDFS */
    public int startupTimeoutSeconds() {
        return startupTimeoutSeconds;
    }

    /**
     * @return URI of the per-ward SURGE limits file ({@code --surge-limits}, written by
     *     {@code bin/incident-analytics}), or null when every ward uses {@code --surge-threshold}
     */
    public String surgeLimits() {
        return surgeLimits;
    }

    /**
     * @return the longest input line read as a report, bytes ({@code max-line-bytes}); a longer one is rejected with
     *     its first bytes kept, and the socket receiver never buffers more of it
     */
    public int maxLineBytes() {
        return maxLineBytes;
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

    /**
     * @return {@code kafka.client.*} settings (prefix stripped) for every Kafka client: literal secrets of the config
     *     file ({@code sasl.jaas.config}, {@code ssl.*.password}: Kafka's password-typed settings) appear as
     *     {@code ${incidentconfig:<file>:<key>}} references that Kafka's {@code FileConfigProvider} resolves when
     *     a client is made, with the provider's own keys added, so that the checkpoint and the logs never hold them
     */
    public Map<String, String> kafkaClient() {
        return Collections.unmodifiableMap(kafkaClient);
    }

    /** @return {@code kafka.client.*} settings as the file gave them (secrets as references, no provider keys) */
    Map<String, String> kafkaClientAsSet() {
        return Collections.unmodifiableMap(kafkaClientAsSet);
    }

    /**
     * @return the job's consumer settings: {@link #kafkaClient()} and {@link #kafkaConsumer()} together (a key is
     *     in one of them only); producers and admin clients take the part their Kafka class defines
     *     ({@code io.KafkaClients})
     */
    public Map<String, String> kafkaConsumerParams() {
        Map<String, String> all = new TreeMap<>(kafkaClient);
        all.putAll(kafkaConsumer);
        return Collections.unmodifiableMap(all);
    }


    /** Looks values up flag first, then file, then default, and words errors after where the value came from. */
    private static final class Resolver {
        private final Map<String, String> flags;
        private final Map<String, String> file;
        private final String fileName;

        /** Reads the config file ({@link ConfigFile#read}) under the flags. */
        static Resolver of(Map<String, String> flags, String configFile) throws SettingsException {
            return new Resolver(flags, ConfigFile.read(configFile), ConfigFile.name(configFile));
        }

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

        String text(Setting setting) {
            return text(setting.key());
        }

        String required(Setting setting) throws SettingsException {
            return required(setting.key());
        }

        /** A whole number in the setting's declared range ({@link Setting#min()}..{@link Setting#max()}). */
        int intValue(Setting setting) throws SettingsException {
            String expected = setting.max() == Integer.MAX_VALUE ? "a whole number >= " + setting.min()
                    : "a whole number from " + setting.min() + " to " + setting.max();
            return parseInt(setting.key(), text(setting), setting.min(), setting.max(), expected);
        }

        SettingsException error(Setting setting, String message) {
            return error(setting.key(), message);
        }

        String required(String key) throws SettingsException {
            String value = text(key);
            if (value.isEmpty()) {
                throw error(key, "must not be empty");
            }
            return value;
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
            for (Map<String, String> source : Arrays.asList(DEFAULTS, file, flags)) {
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
                    : file.containsKey(key) ? fileName + ": " + key : "built-in default " + key;
            return new SettingsException(where + ": " + message);
        }
    }
}

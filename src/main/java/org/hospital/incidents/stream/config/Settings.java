package org.hospital.incidents.stream.config;

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
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.storage.StorageLevel;
import org.hospital.incidents.archive.CodecArchiveEncoder;
import org.hospital.incidents.pipeline.GraphSettings;

/**
 * The application's one typed configuration: built-in defaults, overridden by the properties file
 * ({@code --config}, default {@code config/application.properties}), overridden by command-line flags.
 *
 * <p>Each flag of DESIGN.md "Command line" has a properties key of the same name without the dashes
 * ({@code --window-seconds} / {@code window-seconds}). Keys that have no flag: {@link #PARTITIONS},
 * {@link #STATE_CHECKPOINT_SECONDS}, {@link #WINDOW_CHECKPOINT_SECONDS}, {@link #KAFKA_AUTO_OFFSET_RESET},
 * {@link #SOCKET_STORAGE_LEVEL}; keys starting {@code spark.} go to the SparkConf (unless spark-submit already
 * set them), keys starting {@code kafka.consumer.} go to the job's Kafka consumer (e.g.
 * {@code kafka.consumer.max.poll.records}) and keys starting {@code kafka.client.} to every Kafka client the project
 * makes (security settings; secrets passed as references to this file, see {@link KafkaClientKeys}). Any other key
 * is an error, so a typo never passes silently.
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
    /**
     * Key of the processing-time window's checkpoint interval, which event-time windows made meaningless: still
     * accepted in a config file (earlier shipped files have it) and ignored.
     */
    public static final String WINDOW_CHECKPOINT_SECONDS = "window-checkpoint-seconds";
    /** How far behind the largest {@code occurredAt} a report still counts in its windows, seconds. */
    public static final String ALLOWED_LATENESS_SECONDS = "allowed-lateness-seconds";
    /** How far after the batch time an {@code occurredAt} may be before the report is rejected, seconds. */
    public static final String MAX_FUTURE_SECONDS = "max-future-seconds";
    /** Key of {@code --surge-limits}: the per-ward limits file of {@code bin/incident-analytics}; empty = none. */
    public static final String SURGE_LIMITS = "surge-limits";
    /** The longest input line read as a report, bytes (socket lines, Kafka records, imported rows). */
    public static final String MAX_LINE_BYTES = "max-line-bytes";
    /** Keys of earlier builds that a config file may still hold: accepted and ignored. */
    public static final Set<String> OBSOLETE_KEYS = Set.of(WINDOW_CHECKPOINT_SECONDS);
    /** Kafka {@code auto.offset.reset} for a group with no committed offset. */
    public static final String KAFKA_AUTO_OFFSET_RESET = "kafka.auto-offset-reset";
    /** Spark storage level of socket receiver blocks. */
    public static final String SOCKET_STORAGE_LEVEL = "socket.storage-level";

    /** Key of {@code --archive}: root of the archive of every line received, or {@code none}. */
    public static final String ARCHIVE = "archive";
    /** Key of {@code --alerts-topic}: Kafka topic every alert is also published to, or empty (off). */
    public static final String ALERTS_TOPIC = "alerts-topic";
    /** Hadoop codec of the archive's part files. */
    public static final String ARCHIVE_CODEC = "archive.codec";

    /** File whose bytes are the key of patientRef tokens (DESIGN.md "Pseudonymisation"); created when missing. */
    public static final String PSEUDONYM_KEY_FILE = "pseudonym-key-file";

    /** Prefix of keys passed to the SparkConf. */
    public static final String SPARK_PREFIX = "spark.";
    /** Prefix of keys passed to the Kafka consumer. */
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";
    /** Prefix of keys passed to every Kafka client the project makes (security settings). */
    public static final String KAFKA_CLIENT_PREFIX = KafkaClientKeys.PREFIX;

    /** How long an eventId is remembered to reject a repeat (DESIGN.md "Restarts and upgrades"), hours. */
    public static final String DEDUP_HORIZON_HOURS = "dedup-horizon-hours";
    /**
     * Most seconds the start waits for Kafka (the driver lease) and for the checkpoint's and archive's file systems
     * before it gives up with one line and exit status 1: a typo in {@code --kafka} or an HDFS URI without a NameNode
     * would otherwise wait on the clients' retry policies (minutes, or for ever) with nothing said.
     */
    public static final String STARTUP_TIMEOUT_SECONDS = "startup-timeout-seconds";

    /**
     * The shipped properties file, relative to the installation. The {@code bin/} scripts pass its absolute path
     * in the {@link #CONFIG_PROPERTY} system property; a plain {@code spark-submit} passes {@code --config}.
     */
    public static final String DEFAULT_CONFIG_FILE = "config/application.properties";

    /**
     * Java system property naming the default properties file when {@code --config} is absent. Without either,
     * no file is read and the built-in {@link #DEFAULTS} (which repeat the shipped file) apply: the working
     * directory is never searched, so a run from another directory, or a driver on a cluster worker, behaves the
     * same.
     */
    public static final String CONFIG_PROPERTY = "incident.config";

    /**
     * System property: the folder that relative local paths ({@code --checkpoint}, {@code --output},
     * {@code --archive}, {@code pseudonym-key-file}, {@code --surge-limits}, {@code --config}) are relative to.
     * {@code bin/incident-stream} sets it to the folder it was run from when it submits in cluster deploy mode, where
     * the driver runs in a worker's folder: the README's cluster command then finds the same key and state as a local
     * run from that folder (a path that must exist on the driver's machine: a shared mount, or a one-machine
     * cluster). Unset: the working directory.
     */
    public static final String BASE_DIR_PROPERTY = "incident.base-dir";

    /**
     * Built-in defaults: the values DESIGN.md fixes, and the shipped file's Spark and Kafka keys (backpressure and
     * rate caps, the graceful-stop timeout, the HDFS client retry policy, Kafka fetch sizes), so a run without any
     * config file is as safe as one with it. {@code config/application.properties} repeats every one of them
     * (checked by a test).
     */
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
        defaults.put(ALLOWED_LATENESS_SECONDS, "3600");
        defaults.put(MAX_FUTURE_SECONDS, "300");
        defaults.put(SURGE_LIMITS, "");
        defaults.put(MAX_LINE_BYTES, Integer.toString(org.hospital.incidents.model.SourcedLine.DEFAULT_MAX_LINE_BYTES));
        defaults.put(KAFKA_AUTO_OFFSET_RESET, "earliest");
        defaults.put(SOCKET_STORAGE_LEVEL, "MEMORY_AND_DISK_SER");
        defaults.put(PSEUDONYM_KEY_FILE, "data/pseudonym.key");
        defaults.put(ARCHIVE, "data/archive");
        defaults.put(ARCHIVE_CODEC, "gzip");
        defaults.put(DEDUP_HORIZON_HOURS, "168");
        defaults.put(ALERTS_TOPIC, "");
        defaults.put(STARTUP_TIMEOUT_SECONDS, "60");
        defaults.put("spark.streaming.stopGracefullyOnShutdown", "true");
        defaults.put("spark.streaming.gracefulStopTimeout", "60s");
        defaults.put("spark.streaming.backpressure.enabled", "true");
        defaults.put("spark.streaming.backpressure.initialRate", "2000");
        defaults.put("spark.streaming.kafka.maxRatePerPartition", "2000");
        defaults.put("spark.streaming.receiver.maxRate", "5000");
        defaults.put("spark.streaming.receiver.writeAheadLog.enable", "false");
        defaults.put("spark.hadoop.dfs.client.retry.policy.enabled", "true");
        defaults.put("spark.hadoop.dfs.client.retry.policy.spec", "2000,45");
        defaults.put("spark.ui.showConsoleProgress", "false");
        // Owner-only files and folders on HDFS and through Hadoop's file systems (docs/DESIGN.md "Privacy").
        defaults.put("spark.hadoop." + org.hospital.incidents.support.HadoopConfs.UMASK_KEY,
                org.hospital.incidents.support.HadoopConfs.OWNER_ONLY_UMASK);
        // Spark's own Prometheus endpoint on the driver's UI (DESIGN.md "metrics"), the streaming source included.
        defaults.put("spark.metrics.conf.*.sink.prometheusServlet.class",
                "org.apache.spark.metrics.sink.PrometheusServlet");
        defaults.put("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus");
        defaults.put("spark.metrics.namespace", "hospital_incidents");
        defaults.put("spark.ui.prometheus.enabled", "true");
        // Nobody who reaches the operator console may kill a stage or job of the stream from it.
        defaults.put("spark.ui.killEnabled", "false");
        defaults.put("kafka.consumer.receive.buffer.bytes", "1048576");
        defaults.put("kafka.consumer.max.partition.fetch.bytes", "8388608");
        defaults.put("kafka.consumer.fetch.max.bytes", "67108864");
        defaults.put("kafka.consumer.max.poll.records", "5000");
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
    private boolean resetState;
    private boolean takeover;

    private Settings(Resolver r) throws SettingsException {
        configFile = r.fileName();
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
        String baseDir = System.getProperty(BASE_DIR_PROPERTY);
        checkpoint = local(r.required(CHECKPOINT), baseDir);
        output = local(r.required(OUTPUT), baseDir);
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
        int lateness = r.nonNegativeInt(ALLOWED_LATENESS_SECONDS);
        int maxFuture = r.nonNegativeInt(MAX_FUTURE_SECONDS);
        graph = new GraphSettings(batch, window, slide, threshold, partitions, stateCheckpoint, lateness, maxFuture);
        surgeLimits = r.text(SURGE_LIMITS).isEmpty() ? null : local(r.text(SURGE_LIMITS), baseDir);
        // At least a real report's size; at most what one Java array can hold.
        maxLineBytes = r.parseInt(MAX_LINE_BYTES, r.text(MAX_LINE_BYTES), 1024, Integer.MAX_VALUE - 16,
                "a whole number of bytes from 1024");
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
        pseudonymKeyFile = local(r.required(PSEUDONYM_KEY_FILE), baseDir);
        String archiveRoot = r.required(ARCHIVE);
        archive = "none".equals(archiveRoot) ? null : local(archiveRoot, baseDir);
        archiveCodec = r.text(ARCHIVE_CODEC);
        if (!CodecArchiveEncoder.CODECS.contains(archiveCodec)) {
            throw r.error(ARCHIVE_CODEC, "expected one of " + CodecArchiveEncoder.CODECS + ", got '" + archiveCodec
                    + "'");
        }
        startupTimeoutSeconds = r.positiveInt(STARTUP_TIMEOUT_SECONDS);
        alertsTopic = r.text(ALERTS_TOPIC).isEmpty() ? null : r.text(ALERTS_TOPIC);
        if (alertsTopic != null && kafkaBootstrap == null) {
            throw r.error(ALERTS_TOPIC, "needs --kafka (alerts are published to the input's Kafka cluster)");
        }
        dedupHorizonHours = r.parseInt(DEDUP_HORIZON_HOURS, r.text(DEDUP_HORIZON_HOURS), 0, 24 * 366 * 10,
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
        Path file = r.fileName() == null ? null
                : Path.of(local(r.fileName(), System.getProperty(BASE_DIR_PROPERTY))).toAbsolutePath().normalize();
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

    /**
     * The {@code kafka.client.*} settings for a tool that makes its own Kafka clients ({@code bin/incident-review},
     * {@code bin/incident-import}, {@code bin/feed-incidents}): read and checked as {@link #resolve} does, literal
     * secrets turned into references to the file (see {@link #kafkaClient()}).
     *
     * @param configFile the {@code --config} value, or null (then {@link #CONFIG_PROPERTY}, or none)
     * @return client settings without prefix; empty when none are configured
     * @throws SettingsException naming the file or key at fault
     */
    public static Map<String, String> kafkaClient(String configFile) throws SettingsException {
        Resolver r = new Resolver(Map.of(), readConfigFile(configFile), configFileName(configFile));
        return Collections.unmodifiableMap(kafkaKeys(r).client());
    }

    /**
     * Resolves settings from the defaults, a properties file and flags.
     *
     * @param flags flag values given on the command line, keyed without dashes (absent = not given)
     * @param configFile the {@code --config} value, or null: then the file named by the {@link #CONFIG_PROPERTY}
     *     system property, or none (built-in defaults only)
     * @return validated settings
     * @throws SettingsException naming the flag, key or file at fault; a named file that does not exist is an
     *     error
     */
    public static Settings resolve(Map<String, String> flags, String configFile) throws SettingsException {
        String fileName = configFileName(configFile);
        Map<String, String> fileValues = readConfigFile(configFile);
        return new Settings(new Resolver(flags, fileValues, fileName));
    }

    /**
     * One key's value for a tool that is not the stream (e.g. {@code bin/incident-import} needs
     * {@code pseudonym-key-file} and {@code archive.codec}, the same as the job's so tokens and parts match): the
     * config file's value, else the built-in default; the file is read and checked as {@link #resolve} does.
     *
     * @param key a key of {@link #DEFAULTS}
     * @param configFile the {@code --config} value, or null (then {@link #CONFIG_PROPERTY}, or none)
     * @return the value, trimmed; never null
     * @throws SettingsException naming the file when it is missing, unreadable or has an unknown key
     */
    public static String configuredValue(String key, String configFile) throws SettingsException {
        String value = readConfigFile(configFile).get(key);
        return value != null ? value : DEFAULTS.getOrDefault(key, "");
    }

    private static String configFileName(String configFile) {
        return configFile != null ? configFile : System.getProperty(CONFIG_PROPERTY);
    }

    private static Map<String, String> readConfigFile(String configFile) throws SettingsException {
        Map<String, String> fileValues = new TreeMap<>();
        String fileName = configFileName(configFile);
        String flag = configFile != null ? "--config" : "-D" + CONFIG_PROPERTY;
        if (fileName != null) {
            Path path = Path.of(local(fileName, System.getProperty(BASE_DIR_PROPERTY)));
            try (InputStream in = Files.newInputStream(path)) {
                Properties properties = new Properties();
                properties.load(in);
                for (String key : properties.stringPropertyNames()) {
                    fileValues.put(key, properties.getProperty(key).trim());
                }
            } catch (NoSuchFileException e) {
                throw new SettingsException(flag + ": file not found: " + path.toAbsolutePath());
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException(flag + ": cannot read " + path.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        for (String key : fileValues.keySet()) {
            if (!DEFAULTS.containsKey(key) && !key.startsWith(SPARK_PREFIX) && !key.startsWith(KAFKA_CONSUMER_PREFIX)
                    && !key.startsWith(KAFKA_CLIENT_PREFIX)
                    && !OBSOLETE_KEYS.contains(key)) {
                throw new SettingsException(fileName + ": unknown key '" + key + "'");
            }
        }
        return fileValues;
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

    /** @return the properties file read, or null when only the built-in defaults apply */
    public String configFile() {
        return configFile;
    }

    /**
     * The settings a checkpoint freezes: every value the graph, its sources and sinks, or the checkpointed Spark
     * configuration holds, resolved (defaults filled in). On recovery Spark rebuilds all of that from the
     * checkpoint, so a different value given now would be silently ignored; {@link CheckpointSettings} compares
     * these maps instead. Left out: {@code --run-seconds}, {@code --config} and the restart flags (they act on
     * this run only), and the Spark keys that Spark itself reloads from the new run on recovery
     * ({@link #RELOADED_SPARK_KEYS}). Secret-looking Kafka and Spark values (passwords, JAAS configs, keys) appear
     * as a SHA-256 prefix, never in clear.
     *
     * @return key (config-file name) to value, in a stable order
     */
    public Map<String, String> frozenByCheckpoint() {
        Map<String, String> frozen = new LinkedHashMap<>();
        frozen.put(SOCKET, socketHost == null ? "" : socketHost + ":" + socketPort);
        frozen.put(KAFKA, kafkaBootstrap == null ? "" : kafkaBootstrap);
        frozen.put(TOPICS, String.join(",", topics));
        frozen.put(GROUP_ID, groupId);
        frozen.put(OUTPUT, output);
        frozen.put(ARCHIVE, archive == null ? "none" : archive);
        frozen.put(ARCHIVE_CODEC, archiveCodec);
        frozen.put(BATCH_SECONDS, Integer.toString(graph.batchSeconds()));
        frozen.put(WINDOW_SECONDS, Integer.toString(graph.windowSeconds()));
        frozen.put(SLIDE_SECONDS, Integer.toString(graph.slideSeconds()));
        frozen.put(SURGE_THRESHOLD, Long.toString(graph.surgeThreshold()));
        frozen.put(PARTITIONS, Integer.toString(graph.partitions()));
        frozen.put(STATE_CHECKPOINT_SECONDS, Integer.toString(graph.stateCheckpointSeconds()));
        frozen.put(ALLOWED_LATENESS_SECONDS, Integer.toString(graph.allowedLatenessSeconds()));
        frozen.put(MAX_FUTURE_SECONDS, Integer.toString(graph.maxFutureSeconds()));
        frozen.put(SURGE_LIMITS, surgeLimits == null ? "" : surgeLimits);
        frozen.put(MAX_LINE_BYTES, Integer.toString(maxLineBytes));
        frozen.put(KAFKA_AUTO_OFFSET_RESET, kafkaAutoOffsetReset);
        frozen.put(SOCKET_STORAGE_LEVEL, socketStorageLevel);
        frozen.put(PSEUDONYM_KEY_FILE, pseudonymKeyFile);
        frozen.put(DEDUP_HORIZON_HOURS, Integer.toString(dedupHorizonHours));
        // Captured by the output operations the checkpoint keeps: a new value would silently not apply.
        frozen.put(ALERTS_TOPIC, alertsTopic == null ? "" : alertsTopic);
        for (Map.Entry<String, String> entry : sparkConf.entrySet()) {
            if (!RELOADED_SPARK_KEYS.contains(entry.getKey())) {
                frozen.put(entry.getKey(), hideSecret(entry.getKey(), entry.getValue()));
            }
        }
        // As set: the provider keys added for references follow from the secrets, which are compared themselves.
        for (Map.Entry<String, String> entry : kafkaClientAsSet.entrySet()) {
            String key = KAFKA_CLIENT_PREFIX + entry.getKey();
            frozen.put(key, hideSecret(key, entry.getValue()));
        }
        for (Map.Entry<String, String> entry : kafkaConsumer.entrySet()) {
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
     * @param key a key of {@link #frozenByCheckpoint()}
     * @return how a user sets it: {@code --window-seconds} for a flag, else {@code config key partitions}
     */
    public static String describeKey(String key) {
        return List.of(SOCKET, KAFKA, TOPICS, GROUP_ID, OUTPUT, ARCHIVE, ALERTS_TOPIC, BATCH_SECONDS, WINDOW_SECONDS,
                SLIDE_SECONDS, SURGE_THRESHOLD).contains(key) ? "--" + key : "config key " + key;
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

    /**
     * @param uri a path or URI as configured
     * @param baseDir {@link #BASE_DIR_PROPERTY}, or null
     * @return a relative local path resolved against {@code baseDir}; anything else as it is
     */
    static String local(String uri, String baseDir) {
        if (baseDir == null || uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || Path.of(uri).isAbsolute()) {
            return uri;
        }
        return Path.of(baseDir).resolve(uri).normalize().toString();
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

        int nonNegativeInt(String key) throws SettingsException {
            return parseInt(key, text(key), 0, Integer.MAX_VALUE, "a whole number >= 0");
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

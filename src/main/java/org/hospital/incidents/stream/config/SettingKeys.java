package org.hospital.incidents.stream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configuration's keys and their built-in defaults (docs/DESIGN.md "Command line", README "Configuration"):
 * each flag has a properties key of the same name without the dashes ({@code --window-seconds} /
 * {@code window-seconds}); the other keys exist only in the config file. Reading a file is {@link ConfigFile}'s
 * role, validating values {@link Settings}', and what a checkpoint keeps {@link CheckpointSettings}'.
 */
public final class SettingKeys {

    private SettingKeys() {
    }

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
        defaults.put("spark.plugins", "org.hospital.incidents.stream.ui.IncidentsPlugin");
        defaults.put("kafka.consumer.receive.buffer.bytes", "1048576");
        defaults.put("kafka.consumer.max.partition.fetch.bytes", "8388608");
        defaults.put("kafka.consumer.fetch.max.bytes", "67108864");
        defaults.put("kafka.consumer.max.poll.records", "5000");
        DEFAULTS = Collections.unmodifiableMap(defaults);
    }
}

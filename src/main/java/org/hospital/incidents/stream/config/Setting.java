package org.hospital.incidents.stream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hospital.incidents.archive.CodecArchiveEncoder;

/**
 * Every setting of the job, declared once: its key, whether it has a flag, its type, default, range and one-line
 * meaning, and whether a checkpoint freezes it. The command line ({@link CommandLineOptions}), the config file's key
 * check ({@link ConfigFile}), the built-in defaults ({@link SettingKeys#DEFAULTS}), what a checkpoint keeps
 * ({@link CheckpointSettings#frozen}), the shipped {@code config/application.properties} (a test holds it to these
 * defaults) and {@code docs/CONFIGURATION.md} (generated from this table; a test fails when it is stale) all come
 * from here.
 *
 * <p>Why one typed table rather than picocli's {@code PropertiesDefaultProvider} or Kafka's {@code ConfigDef}: the
 * config file also carries keys picocli knows nothing of ({@code spark.*}, {@code kafka.consumer.*}), and the job
 * needs what neither records (what a checkpoint freezes, the range as users read it). picocli still parses the
 * command line, from options built out of this table. Adding a setting: one entry here, a value in the shipped file,
 * and, when the job reads it, {@link Settings#value}/{@link Settings#intValue} or a typed accessor beside its
 * cross-field checks; then regenerate the doc ({@code docs/CONFIGURATION.md} says how).
 */
public enum Setting {

    // --- sources ---
    /** {@code --socket}. */
    SOCKET("socket", true, "HOST:PORT", Type.TEXT, "", "HOST:PORT, port 1-65535, or empty",
            "Read the socket source (newline-delimited JSON), e.g. from `nc -lk 9999`.", true),
    /** {@code --kafka}. */
    KAFKA("kafka", true, "BOOTSTRAP", Type.TEXT, "", "host:port[,host:port], or empty",
            "Read the Kafka source from these bootstrap servers.", true),
    /** {@code --topics}. */
    TOPICS("topics", true, "T1[,T2]", Type.TEXT, "hospital-incidents", "one or more topic names",
            "Kafka topics to read.", true),
    /** {@code --group-id}. */
    GROUP_ID("group-id", true, "ID", Type.TEXT, "hospital-incident-streaming", "non-empty",
            "Kafka consumer group; one live driver per group (its lease).", true),
    /** {@code kafka.auto-offset-reset}. */
    KAFKA_AUTO_OFFSET_RESET("kafka.auto-offset-reset", false, null, Type.CHOICE, "earliest", "earliest, latest, none",
            "Where a consumer group with no committed offset starts: the whole topic, its end, or fail.", true),
    /** {@code socket.storage-level}. */
    SOCKET_STORAGE_LEVEL("socket.storage-level", false, null, Type.TEXT, "MEMORY_AND_DISK_SER",
            "a Spark storage level", "Storage level of socket receiver blocks (_2 replicates them on a cluster).",
            true),
    // --- state and outputs ---
    /** {@code --checkpoint}. */
    CHECKPOINT("checkpoint", true, "URI", Type.PATH, "data/checkpoint", "local path or hdfs://…",
            "Checkpoint directory: state, window state, pending batches, Kafka offset ranges.", false),
    /** {@code --output}. */
    OUTPUT("output", true, "URI", Type.PATH, "data/out", "local path or hdfs://…",
            "Output root: ward-totals, ward-windows, alerts, rejected, review, requalifications, amendments.", true),
    /** {@code --archive}. */
    ARCHIVE("archive", true, "URI", Type.PATH, "data/archive", "local path, hdfs://…, or none",
            "Archive of every line received, once; none turns it off.", true),
    /** {@code archive.codec}. */
    ARCHIVE_CODEC("archive.codec", false, null, Type.CHOICE, "gzip", String.join(", ", CodecArchiveEncoder.CODECS),
            "Codec of the archive's part files: gzip (fastest level, about 7.7:1) or bzip2 (smaller, slower).", true),
    /** {@code archive-retention-days}. */
    ARCHIVE_RETENTION_DAYS("archive-retention-days", false, null, Type.INT, "0", "0 (keep) to 36600",
            "Whole archive days (UTC) older than this many days are deleted once a day, each deletion audited.",
            false, 0, 36_600),
    /** {@code --alerts-topic}. */
    ALERTS_TOPIC("alerts-topic", true, "T", Type.TEXT, "", "a topic name, or empty (off)",
            "Also publish every alert to this Kafka topic, exactly once for read_committed consumers; needs --kafka.",
            true),
    // --- patient data and hostile input ---
    /** {@code pseudonym-key-file}. */
    PSEUDONYM_KEY_FILE("pseudonym-key-file", false, null, Type.PATH, "data/pseudonym.key", "an owner-only file",
            "Key of patientRef tokens (HMAC-SHA256); created (32 random bytes, 0600) when missing.", true),
    /** {@code max-line-bytes}. */
    MAX_LINE_BYTES("max-line-bytes", false, null, Type.INT, "1048576", "1024 to 2147483631",
            "Longest line read as a report (socket line, Kafka record, imported row), bytes; longer is rejected.", true,
            1024, Integer.MAX_VALUE - 16),
    // --- restarts ---
    /** {@code dedup-horizon-hours}. */
    DEDUP_HORIZON_HOURS("dedup-horizon-hours", false, null, Type.INT, "168", "0 to 87840",
            "Hours an eventId is remembered by the incident ledger (repeats rejected, amendments applied); 0 = off.",
            true, 0, 24 * 366 * 10),
    /** {@code startup-timeout-seconds}. */
    STARTUP_TIMEOUT_SECONDS("startup-timeout-seconds", false, null, Type.INT, "60", ">= 1",
            "Most seconds the start waits for Kafka and the checkpoint's and archive's file systems (then exit 1).",
            false, 1, Integer.MAX_VALUE),
    // --- timing ---
    /** {@code --batch-seconds}. */
    BATCH_SECONDS("batch-seconds", true, "N", Type.INT, "1", ">= 1", "Batch interval, seconds.", true, 1,
            Integer.MAX_VALUE),
    /** {@code --window-seconds}. */
    WINDOW_SECONDS("window-seconds", true, "N", Type.INT, "60", ">= 1, a multiple of batch-seconds",
            "Event-time window length, seconds.", true, 1, Integer.MAX_VALUE),
    /** {@code --slide-seconds}. */
    SLIDE_SECONDS("slide-seconds", true, "N", Type.INT, "5", "1 to window-seconds, a multiple of batch-seconds",
            "Event-time window slide, seconds (windows start at its multiples, UTC epoch).", true, 1,
            Integer.MAX_VALUE),
    /** {@code --surge-threshold}. */
    SURGE_THRESHOLD("surge-threshold", true, "N", Type.INT, "10", ">= 1",
            "Incidents in one ward within one window that raise a SURGE, for wards without a limit from history.",
            true, 1, Integer.MAX_VALUE),
    /** {@code --surge-limits}. */
    SURGE_LIMITS("surge-limits", true, "URI", Type.PATH, "", "local path or hdfs://…, or empty",
            "Per-ward SURGE limits by hour of the week (surge-limits.csv of bin/incident-analytics), read at start.",
            true),
    /** {@code allowed-lateness-seconds}. */
    ALLOWED_LATENESS_SECONDS("allowed-lateness-seconds", false, null, Type.INT, "3600", ">= 0",
            "How far behind the newest occurredAt a report still counts in windows, seconds; later is \"late\".",
            true, 0, Integer.MAX_VALUE),
    /** {@code max-future-seconds}. */
    MAX_FUTURE_SECONDS("max-future-seconds", false, null, Type.INT, "300", ">= 0",
            "A report whose occurredAt is more than this after its batch time is rejected, seconds.", true, 0,
            Integer.MAX_VALUE),
    /** {@code --run-seconds}. */
    RUN_SECONDS("run-seconds", true, "N", Type.INT, "", ">= 1, or empty (until stopped)",
            "Stop gracefully after N seconds.", false, 1, Integer.MAX_VALUE),
    /** {@code state-checkpoint-seconds}. */
    STATE_CHECKPOINT_SECONDS("state-checkpoint-seconds", false, null, Type.INT, "10",
            ">= 1, a multiple of batch-seconds",
            "Checkpoint interval of the running state, seconds (Spark guide: 5-10 x the batch interval).", true, 1,
            Integer.MAX_VALUE),
    /** {@code partitions}. */
    PARTITIONS("partitions", false, null, Type.INT, "2", ">= 1",
            "Partitions of the state shuffles, and most write tasks of a batch after a large one.", true, 1,
            Integer.MAX_VALUE),
    // --- Spark and Kafka keys the application ships with (passed on, not validated here) ---
    /** Spark key. */
    SPARK_STOP_GRACEFULLY("spark.streaming.stopGracefullyOnShutdown", "true",
            "A SIGTERM lets the batches in flight finish before the driver exits."),
    /** Spark key. */
    SPARK_GRACEFUL_STOP_TIMEOUT("spark.streaming.gracefulStopTimeout", "60s",
            "How long a graceful stop waits for the pending batches."),
    /** Spark key. */
    SPARK_BACKPRESSURE("spark.streaming.backpressure.enabled", "true",
            "After an outage the first batches do not pull the whole backlog at once."),
    /** Spark key. */
    SPARK_BACKPRESSURE_INITIAL_RATE("spark.streaming.backpressure.initialRate", "2000",
            "Records per second of the first batch after a start."),
    /** Spark key. */
    SPARK_KAFKA_MAX_RATE("spark.streaming.kafka.maxRatePerPartition", "2000",
            "Most Kafka records per partition and second a batch takes."),
    /** Spark key. */
    SPARK_RECEIVER_MAX_RATE("spark.streaming.receiver.maxRate", "5000",
            "Most lines per second the socket receiver takes."),
    /** Spark key. */
    SPARK_RECEIVER_WAL("spark.streaming.receiver.writeAheadLog.enable", "false",
            "Receiver write-ahead log: socket blocks written to the checkpoint before they count as received."),
    /** Spark key. */
    SPARK_HDFS_RETRY("spark.hadoop.dfs.client.retry.policy.enabled", "true",
            "HDFS client retries while a NameNode restarts, instead of failing the batch."),
    /** Spark key. */
    SPARK_HDFS_RETRY_SPEC("spark.hadoop.dfs.client.retry.policy.spec", "2000,45",
            "Up to 45 retries 2 s apart (about 90 s)."),
    /** Spark key. */
    SPARK_UMASK("spark.hadoop.fs.permissions.umask-mode", "077",
            "Everything written through Hadoop's file systems is owner-only (files 0600, folders 0700)."),
    /** Spark key. */
    SPARK_CONSOLE_PROGRESS("spark.ui.showConsoleProgress", "false", "Keep the console for the summary and alerts."),
    /** Spark key. */
    SPARK_PROMETHEUS_CLASS("spark.metrics.conf.*.sink.prometheusServlet.class",
            "org.apache.spark.metrics.sink.PrometheusServlet", "Prometheus metrics on the driver's UI port."),
    /** Spark key. */
    SPARK_PROMETHEUS_PATH("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus",
            "Where the Prometheus metrics are served."),
    /** Spark key. */
    SPARK_METRICS_NAMESPACE("spark.metrics.namespace", "hospital_incidents",
            "Metric names stable across runs (Spark's default is the application id)."),
    /** Spark key. */
    SPARK_UI_PROMETHEUS("spark.ui.prometheus.enabled", "true", "Executor metrics for Prometheus as well."),
    /** Spark key. */
    SPARK_UI_KILL("spark.ui.killEnabled", "false",
            "Nobody who reaches the operator console can kill the stream's stages or jobs."),
    /** Spark key. */
    SPARK_PLUGINS("spark.plugins", "org.hospital.incidents.stream.ui.IncidentsPlugin",
            "The Incidents tab in the Spark UI (and in the History Server with an event log)."),
    /** Kafka consumer key. */
    KAFKA_RECEIVE_BUFFER("kafka.consumer.receive.buffer.bytes", "1048576",
            "Socket buffer of the executors' consumers, for catching up on a backlog."),
    /** Kafka consumer key. */
    KAFKA_MAX_PARTITION_FETCH("kafka.consumer.max.partition.fetch.bytes", "8388608",
            "Bytes per partition and fetch, for catching up on a backlog."),
    /** Kafka consumer key. */
    KAFKA_FETCH_MAX("kafka.consumer.fetch.max.bytes", "67108864", "Bytes per fetch, for catching up on a backlog."),
    /** Kafka consumer key. */
    KAFKA_MAX_POLL_RECORDS("kafka.consumer.max.poll.records", "5000",
            "Records per poll, for catching up on a backlog.");

    /** What a setting's value is. */
    public enum Type {
        /** Free text (checked by {@link Settings} where it has rules). */
        TEXT,
        /** A whole number in {@link #min()}..{@link #max()}. */
        INT,
        /** One of the values {@link #range()} lists. */
        CHOICE,
        /** A local path or a Hadoop URI; relative local paths follow {@code incident.base-dir}. */
        PATH,
        /** A Spark or Kafka key the application passes on. */
        PASSED_ON
    }

    private static final Map<String, Setting> BY_KEY = java.util.Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

    private final String key;
    private final boolean flag;
    private final String paramLabel;
    private final Type type;
    private final String defaultValue;
    private final String range;
    private final String meaning;
    private final boolean frozen;
    private final int min;
    private final int max;

    Setting(String key, boolean flag, String paramLabel, Type type, String defaultValue, String range, String meaning,
            boolean frozen) {
        this(key, flag, paramLabel, type, defaultValue, range, meaning, frozen, 0, 0);
    }

    Setting(String key, boolean flag, String paramLabel, Type type, String defaultValue, String range, String meaning,
            boolean frozen, int min, int max) {
        this.key = key;
        this.flag = flag;
        this.paramLabel = paramLabel;
        this.type = type;
        this.defaultValue = defaultValue;
        this.range = range;
        this.meaning = meaning;
        this.frozen = frozen;
        this.min = min;
        this.max = max;
    }

    /** A Spark or Kafka key the application ships a value for (frozen with the other spark and kafka keys). */
    Setting(String key, String defaultValue, String meaning) {
        this(key, false, null, Type.PASSED_ON, defaultValue, "see Spark's or Kafka's documentation", meaning, true);
    }

    /** @return the config-file key; the flag is {@code --} and the key */
    public String key() {
        return key;
    }

    /** @return true when the setting has a command-line flag */
    public boolean hasFlag() {
        return flag;
    }

    /** @return {@code --key}, or null for a config-file key only */
    public String flag() {
        return flag ? "--" + key : null;
    }

    /** @return the flag's value label in {@code --help}, e.g. {@code URI}; null without a flag */
    public String paramLabel() {
        return paramLabel;
    }

    /** @return its type */
    public Type type() {
        return type;
    }

    /** @return the built-in default, as text; empty for none */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return the values it takes, in words */
    public String range() {
        return range;
    }

    /** @return what it does, one line */
    public String meaning() {
        return meaning;
    }

    /** @return true when a checkpoint keeps it: a recovery with another value exits 2 ({@link CheckpointSettings}) */
    public boolean frozen() {
        return frozen;
    }

    /** @return the smallest value of an {@link Type#INT} */
    public int min() {
        return min;
    }

    /** @return the largest value of an {@link Type#INT} */
    public int max() {
        return max;
    }

    /** @return the choices of a {@link Type#CHOICE} */
    public List<String> choices() {
        return type == Type.CHOICE ? List.of(range.split(", ")) : List.of();
    }

    /** @return the flag's help line: the meaning and the default */
    public String help() {
        return meaning + (defaultValue.isEmpty() ? "" : " (default " + defaultValue + ")");
    }

    /**
     * @param key a config-file key
     * @return its setting, or empty for a key not declared here
     */
    public static Optional<Setting> of(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** @return the settings that have a flag, in declaration order */
    public static List<Setting> flags() {
        List<Setting> flags = new ArrayList<>();
        for (Setting setting : values()) {
            if (setting.flag) {
                flags.add(setting);
            }
        }
        return flags;
    }
}

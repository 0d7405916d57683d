package org.hospital.incidents.stream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the configuration shares besides the settings themselves ({@link Setting}, the one declaration of every key):
 * the built-in defaults derived from it, the key prefixes passed on to Spark and Kafka, and the system properties
 * that name the config file and the folder relative paths are relative to. Reading a file is {@link ConfigFile}'s
 * role, validating values {@link Settings}', and what a checkpoint keeps {@link CheckpointSettings}'.
 */
public final class SettingKeys {

    private SettingKeys() {
    }

    /**
     * Key of the processing-time window's checkpoint interval, which event-time windows made meaningless: still
     * accepted in a config file (earlier shipped files have it) and ignored.
     */
    public static final String WINDOW_CHECKPOINT_SECONDS = "window-checkpoint-seconds";
    /** Keys of earlier builds that a config file may still hold: accepted and ignored. */
    public static final Set<String> OBSOLETE_KEYS = Set.of(WINDOW_CHECKPOINT_SECONDS);

    /** Prefix of keys passed to the SparkConf. */
    public static final String SPARK_PREFIX = "spark.";
    /** Prefix of keys passed to the Kafka consumer. */
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";
    /** Prefix of keys passed to every Kafka client the project makes (security settings). */
    public static final String KAFKA_CLIENT_PREFIX = KafkaClientKeys.PREFIX;

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
     * Built-in defaults, key to value, in declaration order: every {@link Setting}'s default, the Spark and Kafka keys
     * included, so a run without any config file is as safe as one with it. {@code config/application.properties}
     * repeats every one of them (checked by a test).
     */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            defaults.put(setting.key(), setting.defaultValue());
        }
        DEFAULTS = Collections.unmodifiableMap(defaults);
    }
}

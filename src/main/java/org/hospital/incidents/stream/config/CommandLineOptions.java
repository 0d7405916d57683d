package org.hospital.incidents.stream.config;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The flags of DESIGN.md "Command line", parsed with picocli. Values stay strings here: {@link Settings}
 * validates flag and config-file values with the same rules and messages.
 */
@Command(name = "incident-stream", mixinStandardHelpOptions = true, version = "hospital-incident-streaming 0.1.0",
        sortOptions = false,
        description = "Watches a hospital's live stream of patient-safety incident reports (Spark Streaming).",
        footer = {"", "At least one of --socket and --kafka is required; both may be given (the streams are unioned).",
            "Flags override the config file; bad flags or values exit with status 2."})
public final class CommandLineOptions {

    @Option(names = "--socket", paramLabel = "HOST:PORT",
            description = "Read the socket source (newline-delimited JSON), e.g. from `nc -lk 9999`.")
    String socket;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Read the Kafka source from these servers.")
    String kafka;

    @Option(names = "--topics", paramLabel = "T1[,T2]", description = "Kafka topics (default hospital-incidents).")
    String topics;

    @Option(names = "--group-id", paramLabel = "ID",
            description = "Kafka consumer group (default hospital-incident-streaming).")
    String groupId;

    @Option(names = "--checkpoint", paramLabel = "URI",
            description = "Checkpoint directory, local path or hdfs://... (default data/checkpoint).")
    String checkpoint;

    @Option(names = "--output", paramLabel = "URI",
            description = "Output root, local path or hdfs://... (default data/out).")
    String output;

    @Option(names = "--archive", paramLabel = "URI",
            description = "Archive of every line received, local path or hdfs://..., or none (default data/archive).")
    String archive;

    @Option(names = "--alerts-topic", paramLabel = "T",
            description = "Also publish every alert to this Kafka topic (key alertId; needs --kafka).")
    String alertsTopic;

    @Option(names = "--batch-seconds", paramLabel = "N", description = "Batch interval (default 1).")
    String batchSeconds;

    @Option(names = "--window-seconds", paramLabel = "N", description = "Sliding window length (default 60).")
    String windowSeconds;

    @Option(names = "--slide-seconds", paramLabel = "N", description = "Sliding window slide (default 5).")
    String slideSeconds;

    @Option(names = "--surge-threshold", paramLabel = "N",
            description = "Incidents in one ward within one event-time window that raise a SURGE alert, for wards "
                    + "without a limit from --surge-limits (default 10).")
    String surgeThreshold;

    @Option(names = "--surge-limits", paramLabel = "URI",
            description = "Per-ward SURGE limits by hour of the week (surge-limits.csv of bin/incident-analytics, "
                    + "local or hdfs://...); wards without one use --surge-threshold.")
    String surgeLimits;

    @Option(names = "--run-seconds", paramLabel = "N",
            description = "Stop gracefully after N seconds (default: run until stopped).")
    String runSeconds;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (default config/application.properties of the installation); flags win.")
    String config;

    @Option(names = "--reset-state",
            description = "With a new --checkpoint: start every ward's running totals from zero instead of from its "
                    + "latest ward-totals line under --output.")
    boolean resetState;

    @Option(names = "--takeover",
            description = "Start even though another live driver holds this --group-id's lease (it is fenced).")
    boolean takeover;

    /**
     * Parses arguments and resolves them against the config file.
     *
     * @param args command-line arguments
     * @return validated settings, or null when {@code --help} or {@code --version} was printed
     * @throws SettingsException on an unknown flag, a missing value or a bad value, naming the flag
     */
    public static Settings parse(String... args) throws SettingsException {
        CommandLineOptions options = new CommandLineOptions();
        CommandLine commandLine = new CommandLine(options);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new SettingsException(e.getMessage());
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(System.out);
            return null;
        }
        if (commandLine.isVersionHelpRequested()) {
            commandLine.printVersionHelp(System.out);
            return null;
        }
        return Settings.resolve(options.flags(), options.config)
                .withRestartFlags(options.resetState, options.takeover);
    }

    private Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        put(flags, SettingKeys.SOCKET, socket);
        put(flags, SettingKeys.KAFKA, kafka);
        put(flags, SettingKeys.TOPICS, topics);
        put(flags, SettingKeys.GROUP_ID, groupId);
        put(flags, SettingKeys.CHECKPOINT, checkpoint);
        put(flags, SettingKeys.OUTPUT, output);
        put(flags, SettingKeys.ARCHIVE, archive);
        put(flags, SettingKeys.ALERTS_TOPIC, alertsTopic);
        put(flags, SettingKeys.BATCH_SECONDS, batchSeconds);
        put(flags, SettingKeys.WINDOW_SECONDS, windowSeconds);
        put(flags, SettingKeys.SLIDE_SECONDS, slideSeconds);
        put(flags, SettingKeys.SURGE_THRESHOLD, surgeThreshold);
        put(flags, SettingKeys.SURGE_LIMITS, surgeLimits);
        put(flags, SettingKeys.RUN_SECONDS, runSeconds);
        return flags;
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}

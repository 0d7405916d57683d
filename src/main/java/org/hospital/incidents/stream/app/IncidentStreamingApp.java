package org.hospital.incidents.stream.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.hospital.incidents.stream.config.SurgeLimitsFile;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.stream.restart.DriverLease;
import org.hospital.incidents.parse.Pseudonymizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.stream.config.CommandLineOptions;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.stream.config.CheckpointSettings;
import org.hospital.incidents.stream.restart.StartupWait;

/**
 * Entry point: {@code spark-submit --class org.hospital.incidents.stream.app.IncidentStreamingApp <jar> [options]}.
 *
 * <p>Parses the options (DESIGN.md "Command line"; exit 2 on a bad one), then gets the streaming context from
 * the checkpoint directory, or creates it with {@link ContextFactory} when there is no checkpoint, starts it and
 * waits: for {@code --run-seconds} followed by a graceful stop, or until it is stopped (SIGTERM stops it
 * gracefully through {@code spark.streaming.stopGracefullyOnShutdown}).
 *
 * <p>Before anything else it checks the pseudonymisation key file, creating it when missing, and that the archive
 * can be written.
 *
 * <p>Exit status: 0 after a normal stop ({@code --run-seconds}); 143 (128 + SIGTERM, the JVM's own status for a
 * signal it handled) after a graceful stop on SIGTERM; 1 when the stream failed or Kafka cannot be reached at start;
 * 2 for bad options, an unreadable or empty key file, an archive that cannot be written, a checkpoint created with
 * other settings, or a live driver on the same group; 3 when Kafka has deleted records the checkpoint still has to
 * read ({@link #EXIT_OFFSETS_DELETED}).
 */
public final class IncidentStreamingApp {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentStreamingApp.class);

    /**
     * Exit status when the next Kafka offsets to read were deleted by retention: restarting with the same
     * checkpoint would fail the same way, so it differs from 1 (a failure a restart may cure).
     */
    public static final int EXIT_OFFSETS_DELETED = 3;

    private static final Pattern FETCH_OFFSET = Pattern.compile("offset=(\\d+)");
    private static final Pattern PARTITION = Pattern.compile("out of range for partition (\\S+)");

    /** Hadoop shutdown-hook priority of the graceful stop: above Spark's hook manager (40), so it runs first. */
    static final int GRACEFUL_STOP_HOOK_PRIORITY = 45;

    /** Longest a SIGTERM-triggered graceful stop may take before the JVM moves on. */
    static final long GRACEFUL_STOP_HOOK_TIMEOUT_SECONDS = 120;

    private IncidentStreamingApp() {
    }

    /**
     * @param args DESIGN.md options
     * @throws InterruptedException when interrupted while waiting for the stream
     */
    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = CommandLineOptions.parse(args);
        } catch (SettingsException e) {
            System.err.println("incident-stream: " + e.getMessage());
            System.err.println("Try 'incident-stream --help' for the options.");
            System.exit(2);
            return;
        }
        if (settings == null) {
            return;
        }
        int status = run(settings, new SparkConf());
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The advice printed when a checkpoint cannot be read (DESIGN.md promise: an incompatible checkpoint fails
     * with a message that says what to do, never a crash loop of stack traces).
     *
     * @param checkpoint the checkpoint directory
     * @param error what Spark threw
     * @return one line
     */
    static String checkpointAdvice(String checkpoint, Throwable error) {
        List<Throwable> chain = causes(error);
        Throwable root = chain.get(chain.size() - 1);
        return "cannot recover from the checkpoint in " + checkpoint + ": it was written by an incompatible build "
                + "or configuration, or is damaged (" + root.getClass().getSimpleName() + "). Start with a new "
                + "--checkpoint directory: Kafka input resumes from the consumer group's committed offsets, "
                + "running totals carry on from the ward-totals under --output, and reports of the batches in "
                + "flight that come again are rejected as duplicates (the archive remembers them). Delete the old "
                + "directory once the new run is healthy.";
    }

    /**
     * The advice printed when a batch's Kafka offset range starts below the partition's log start offset: Kafka
     * deleted those records (retention, or {@code kafka-delete-records}) before the job read them. Executors read
     * with {@code auto.offset.reset=none} (spark-streaming-kafka-0-10 forces it), so the batch fails with
     * {@code OffsetOutOfRangeException} instead of silently skipping records.
     *
     * @param error what the stream failed with
     * @return one paragraph naming the partition and offset when Kafka's message gives them, or null when the
     *     error is something else
     */
    static String deletedOffsetsAdvice(Throwable error) {
        String kafkaMessage = null;
        for (Throwable t : causes(error)) {
            String message = String.valueOf(t.getMessage());
            if (t.getClass().getName().endsWith(".OffsetOutOfRangeException")
                    || message.contains("OffsetOutOfRangeException")) {
                kafkaMessage = message;
                break;
            }
        }
        if (kafkaMessage == null) {
            return null;
        }
        Matcher partition = PARTITION.matcher(kafkaMessage);
        Matcher offset = FETCH_OFFSET.matcher(kafkaMessage);
        String where = partition.find() && offset.find()
                ? "offset " + offset.group(1) + " of partition " + partition.group(1)
                : "the next offsets of a partition";
        return "Kafka no longer holds " + where + ": the records from there were deleted by Kafka (topic retention, "
                + "or kafka-delete-records) before this job read them, so they cannot be counted. The checkpoint "
                + "(or the committed offset) still points at them, and every restart with it stops here again. To "
                + "go on, start with a new --checkpoint directory and kafka.auto-offset-reset=earliest (the "
                + "default): each partition resumes at the group's committed offset, or where Kafka deleted it at "
                + "the oldest record Kafka still has, and the log says how many records were lost. Running totals "
                + "carry on from the ward-totals under --output. Raise the topic's retention.ms above the longest "
                + "outage you expect.";
    }

    /**
     * @param error what creating the context threw
     * @return the message when {@code kafka.auto-offset-reset=none} met a partition without a committed offset
     *     (a setting the user chose, hence exit 2 like a bad flag), else null
     */
    static String noCommittedOffsetAdvice(Throwable error) {
        for (Throwable t : causes(error)) {
            if (t instanceof org.apache.kafka.clients.consumer.NoOffsetForPartitionException) {
                return "kafka.auto-offset-reset=none, and " + t.getMessage() + " for this --group-id: set it to "
                        + "earliest (read the whole topic) or latest (only new reports).";
            }
        }
        return null;
    }

    /** @return {@code error} and its causes, outermost first; a cause that is its own cause ends the chain */
    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Logs the advice with the error, prints it on stderr (one line) and returns the exit status. */
    private static int exitWithAdvice(int status, String advice, Throwable error) {
        LOG.error(advice, error);
        System.err.println("incident-stream: " + advice);
        return status;
    }

    private static boolean isCheckpointReadFailure(Throwable error) {
        for (Throwable t : causes(error)) {
            if (t.getMessage() != null && t.getMessage().contains("Failed to read checkpoint from directory")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Before a recovery: compares the settings the checkpoint keeps with this run's (DESIGN.md "Restarts and
     * upgrades") and logs the ones in force.
     *
     * @param settings this run's settings
     * @param hadoopConf Hadoop configuration for the checkpoint directory
     * @return the refusal (exit 2) naming each differing setting, or null to go on
     */
    static String checkRecovery(Settings settings, Configuration hadoopConf) {
        try {
            if (!CheckpointSettings.hasCheckpoint(settings.checkpoint(), hadoopConf)) {
                LOG.info("No checkpoint in {}: starting a new one", settings.checkpoint());
                return null;
            }
            if (settings.resetState()) {
                LOG.warn("--reset-state has no effect: recovering from the checkpoint in {} keeps its state",
                        settings.checkpoint());
            }
            Map<String, String> stored = CheckpointSettings.read(settings.checkpoint(), hadoopConf);
            if (stored == null) {
                LOG.warn("The checkpoint in {} has no {} (an older build wrote it): its settings, which stay in force, "
                        + "cannot be compared with this run's", settings.checkpoint(), CheckpointSettings.FILE_NAME);
                return null;
            }
            List<String> differences = CheckpointSettings.differences(stored, settings.frozenByCheckpoint());
            if (!differences.isEmpty()) {
                return CheckpointSettings.refusal(settings.checkpoint(), differences);
            }
            LOG.info("Recovering from the checkpoint in {}; settings in force: {}", settings.checkpoint(), stored);
            return null;
        } catch (IOException e) {
            return "--checkpoint: cannot read " + settings.checkpoint() + ": " + e;
        }
    }

    /**
     * Runs the stream until {@code --run-seconds} pass or it is stopped.
     *
     * @param settings validated settings
     * @param conf base Spark configuration (tests supply the master here)
     * @return 0 after a normal stop, 1 when the stream failed
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(Settings settings, SparkConf conf) throws InterruptedException {
        Path keyFile = Path.of(settings.pseudonymKeyFile());
        try {
            if (Pseudonymizer.ensureKeyFile(keyFile)) {
                // The path only: the key itself is never logged.
                LOG.info("Created the pseudonymisation key file {} ({} random bytes, owner read/write only). Keep "
                        + "it: patient tokens depend on it, and a new key gives every patient a new token.",
                        keyFile.toAbsolutePath(), Pseudonymizer.GENERATED_KEY_BYTES);
            }
        } catch (IOException e) {
            System.err.println("incident-stream: " + Settings.PSEUDONYM_KEY_FILE + ": " + e.getMessage());
            return 2;
        }
        LOG.info("Configuration: {}", settings.configFile() == null
                ? "built-in defaults (no --config, no -D" + Settings.CONFIG_PROPERTY + ")"
                : "built-in defaults, then " + Path.of(settings.configFile()).toAbsolutePath() + ", then the flags");
        SparkConf sparkConf = ContextFactory.sparkConf(settings, conf);
        // One Hadoop configuration for the start-up checks and the checkpoint read (Hadoop caches the first
        // FileSystem per authority, see ContextFactory#hadoopConf).
        Configuration hadoopConf = ContextFactory.hadoopConf(sparkConf);
        try {
            StartupWait.fileSystem("--checkpoint", settings.checkpoint(), hadoopConf,
                    settings.startupTimeoutSeconds());
            if (settings.archive() != null) {
                StartupWait.fileSystem("--archive", settings.archive(), hadoopConf, settings.startupTimeoutSeconds());
            }
        } catch (StartupWait.NoAnswer e) {
            System.err.println("incident-stream: " + e.getMessage());
            return 1;
        }
        if (settings.archive() != null) {
            try {
                BatchOutputWriter.checkWritable(settings.archive(), hadoopConf);
            } catch (IOException | RuntimeException e) {
                System.err.println("incident-stream: --archive: cannot write to " + settings.archive() + ": " + e);
                return 2;
            }
        }
        String refusal = checkRecovery(settings, hadoopConf);
        if (refusal != null) {
            System.err.println("incident-stream: " + refusal);
            return 2;
        }
        if (settings.surgeLimits() != null) {
            // Read at every start, fresh or recovered: the checkpoint holds the file's URI, not its limits.
            try {
                SurgeLimits limits = SurgeLimitsFile.load(settings.surgeLimits(), settings.graph().windowSeconds(),
                        settings.graph().surgeThreshold(), hadoopConf);
                LOG.info("SURGE limits: {} wards with limits learnt from history ({}); every other ward uses "
                        + "--surge-threshold {}", limits.byWard().size(), settings.surgeLimits(),
                        settings.graph().surgeThreshold());
            } catch (SurgeLimitsFile.Refused | IOException e) {
                System.err.println("incident-stream: " + e.getMessage());
                return 2;
            }
        } else {
            LOG.info("SURGE limits: every ward uses --surge-threshold {} (no --surge-limits)",
                    settings.graph().surgeThreshold());
        }
        DriverLease lease = null;
        if (settings.kafkaBootstrap() != null) {
            try {
                lease = DriverLease.acquire(settings.kafkaBootstrap(), settings.groupId(), settings.checkpoint(),
                        settings.kafkaConsumerParams(), settings.takeover(), settings.startupTimeoutSeconds());
            } catch (DriverLease.HeldException e) {
                System.err.println("incident-stream: " + e.getMessage());
                return 2;
            } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                // A timeout's message names the bootstrap servers already.
                System.err.println("incident-stream: " + (e.getCause() instanceof java.util.concurrent.TimeoutException
                        ? "" : "--kafka " + settings.kafkaBootstrap() + ": ") + e.getMessage());
                return 1;
            }
        }
        try {
            // Owner-only roots (docs/DESIGN.md "Privacy and hostile input"), once this driver holds the lease (a
            // refused driver writes nothing): what is made inside them is owner-only too.
            for (String root : new String[] {settings.checkpoint(), settings.output(), settings.archive()}) {
                String wider = root == null ? null : BatchOutputWriter.ownerOnlyRoot(root, hadoopConf);
                if (wider != null) {
                    LOG.warn("{}", wider);
                }
            }
            return runWithLease(settings, sparkConf, hadoopConf, lease);
        } catch (IOException e) {
            System.err.println("incident-stream: cannot create " + e.getMessage());
            return 2;
        } finally {
            if (lease != null) {
                lease.close();
            }
        }
    }

    private static int runWithLease(Settings settings, SparkConf sparkConf, Configuration hadoopConf,
            DriverLease lease) throws InterruptedException {
        JavaStreamingContext ssc;
        try {
            ssc = JavaStreamingContext.getOrCreate(settings.checkpoint(),
                    () -> ContextFactory.create(settings, sparkConf), hadoopConf);
        } catch (Exception e) {
            // Scala's SparkException is checked in Java's eyes, hence Exception here.
            String deleted = deletedOffsetsAdvice(e);
            if (deleted != null) {
                return exitWithAdvice(EXIT_OFFSETS_DELETED, deleted, e);
            }
            String noOffset = noCommittedOffsetAdvice(e);
            if (noOffset != null) {
                System.err.println("incident-stream: " + noOffset);
                return 2;
            }
            if (!isCheckpointReadFailure(e)) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            return exitWithAdvice(1, checkpointAdvice(settings.checkpoint(), e), e);
        }
        Runnable gracefulStop = () -> {
            if (ssc.getState() == org.apache.spark.streaming.StreamingContextState.ACTIVE) {
                LOG.info("Shutdown requested (SIGTERM): stopping gracefully, finishing the received data");
                ssc.stop(true, true);
                LOG.info("Stopped gracefully after SIGTERM: every received report was processed and written; the JVM "
                        + "exits with status 143 (128 + SIGTERM)");
            }
            if (lease != null) {
                // The main thread may not get to its finally block once the JVM is shutting down.
                lease.close();
            }
        };
        // Spark's own stopGracefullyOnShutdown hook runs after the local executor's shutdown hook (Spark 3.5), so
        // under a local master a SIGTERM would stop the executor before the pending batches ran. This hook runs
        // before all of Spark's (Hadoop priority 45 > Spark's 40), while the executor can still run them.
        ShutdownHookManager.get().addShutdownHook(gracefulStop, GRACEFUL_STOP_HOOK_PRIORITY,
                GRACEFUL_STOP_HOOK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            ssc.start();
            LOG.info("Streaming started: checkpoint {}, output {}, batch interval {} s, driver pid {}",
                    settings.checkpoint(), settings.output(), settings.graph().batchSeconds(),
                    ProcessHandle.current().pid());
            scala.Option<String> ui = ssc.sparkContext().sc().uiWebUrl();
            if (ui.isDefined()) {
                LOG.info("Spark UI: {} (Streaming tab); Prometheus metrics: {}/metrics/prometheus/", ui.get(),
                        ui.get());
            }
            if (settings.runSeconds() > 0) {
                if (!ssc.awaitTerminationOrTimeout(settings.runSeconds() * 1000L)) {
                    LOG.info("--run-seconds {} reached: stopping gracefully", settings.runSeconds());
                    ssc.stop(true, true);
                }
            } else {
                ssc.awaitTermination();
            }
            return 0;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            ssc.stop(true, false);
            String deleted = deletedOffsetsAdvice(e);
            if (deleted != null) {
                return exitWithAdvice(EXIT_OFFSETS_DELETED, deleted, e);
            }
            LOG.error("Streaming failed", e);
            System.err.println("incident-stream: streaming failed: " + e);
            return 1;
        } finally {
            if (!ShutdownHookManager.get().isShutdownInProgress()) {
                ShutdownHookManager.get().removeShutdownHook(gracefulStop);
            }
        }
    }
}

package org.hospital.incidents.stream.app;

import org.hospital.incidents.stream.restart.CheckpointLock;
import org.hospital.incidents.stream.sink.OutputSinks;
import org.hospital.incidents.stream.ui.IncidentsFeed;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.hospital.incidents.stream.config.CommandLineOptions;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.stream.restart.DriverLease;
import org.hospital.incidents.stream.sink.ConsoleSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code spark-submit --class org.hospital.incidents.stream.app.IncidentStreamingApp <jar> [options]}.
 *
 * <p>Like Spark's {@code JavaRecoverableNetworkWordCount}: parse the options (DESIGN.md "Command line"; exit 2 on a
 * bad one), check the start ({@link StartupChecks}: key file, file systems, checkpoint settings, driver lease), get
 * the streaming context from the checkpoint directory or create it with {@link ContextFactory}, start it and wait:
 * for {@code --run-seconds} followed by a graceful stop, or until it is stopped (SIGTERM stops it gracefully). A
 * failure a restart will not cure ends with {@link FailureAdvice}.
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
     * Runs the stream until {@code --run-seconds} pass or it is stopped, alert lines and batch summaries on
     * {@code System.out}.
     *
     * @param settings validated settings
     * @param conf base Spark configuration (tests supply the master here)
     * @return the exit status (see the class comment)
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(Settings settings, SparkConf conf) throws InterruptedException {
        return run(settings, conf, System.out);
    }

    /**
     * Checks the start ({@link StartupChecks}), then gets the context from the checkpoint or creates it
     * ({@link ContextFactory}), starts it and waits.
     *
     * @param settings validated settings
     * @param conf base Spark configuration (tests supply the master here)
     * @param console the operator's console for a new context (a recovered one prints to {@code System.out}:
     *     see {@link ConsoleSink})
     * @return the exit status (see the class comment)
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(Settings settings, SparkConf conf, PrintStream console) throws InterruptedException {
        StartupChecks.Passed passed;
        try {
            passed = StartupChecks.run(settings, conf);
        } catch (StartupChecks.Failed e) {
            System.err.println("incident-stream: " + e.getMessage());
            return e.status();
        }
        OutputSinks.guardOutputs(CheckpointLock::assertHeld);
        try {
            return stream(settings, passed, new ConsoleSink(console));
        } finally {
            if (passed.lease() != null) {
                passed.lease().close();
            }
            passed.lock().close();
        }
    }

    /** Logs the advice with the error, prints it on stderr (one line) and returns the exit status. */
    private static int exitWithAdvice(int status, String advice, Throwable error) {
        LOG.error(advice, error);
        System.err.println("incident-stream: " + advice);
        return status;
    }

    private static int stream(Settings settings, StartupChecks.Passed passed, ConsoleSink console)
            throws InterruptedException {
        DriverLease lease = passed.lease();
        JavaStreamingContext ssc;
        try {
            ssc = JavaStreamingContext.getOrCreate(settings.checkpoint(),
                    () -> ContextFactory.create(settings, passed.sparkConf(), console), passed.hadoopConf());
        } catch (Exception e) {
            // Scala's SparkException is checked in Java's eyes, hence Exception here.
            String deleted = FailureAdvice.deletedOffsets(e);
            if (deleted != null) {
                return exitWithAdvice(EXIT_OFFSETS_DELETED, deleted, e);
            }
            String noOffset = FailureAdvice.noCommittedOffset(e);
            if (noOffset != null) {
                System.err.println("incident-stream: " + noOffset);
                return 2;
            }
            if (!FailureAdvice.isCheckpointReadFailure(e)) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            return exitWithAdvice(1, FailureAdvice.checkpoint(settings.checkpoint(), e), e);
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
            passed.lock().close();
        };
        // Spark's own stopGracefullyOnShutdown hook runs after the local executor's shutdown hook (Spark 3.5), so
        // under a local master a SIGTERM would stop the executor before the pending batches ran. This hook runs
        // before all of Spark's (Hadoop priority 45 > Spark's 40), while the executor can still run them.
        ShutdownHookManager.get().addShutdownHook(gracefulStop, GRACEFUL_STOP_HOOK_PRIORITY,
                GRACEFUL_STOP_HOOK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        IncidentsFeed feed = IncidentsConsole.feed(settings, ssc);
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
            IncidentsConsole.snapshotInBackground(settings, ssc, feed);
            ArchiveRetentionSchedule.start(settings, passed.hadoopConf());
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
            String deleted = FailureAdvice.deletedOffsets(e);
            if (deleted != null) {
                return exitWithAdvice(EXIT_OFFSETS_DELETED, deleted, e);
            }
            LOG.error("Streaming failed", e);
            System.err.println("incident-stream: streaming failed: " + e);
            return 1;
        } finally {
            feed.stop();
            if (!ShutdownHookManager.get().isShutdownInProgress()) {
                ShutdownHookManager.get().removeShutdownHook(gracefulStop);
            }
        }
    }
}

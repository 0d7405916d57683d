package org.hospital.incidents.app;

import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code spark-submit --class org.hospital.incidents.app.IncidentStreamingApp <jar> [options]}.
 *
 * <p>Parses the options (DESIGN.md "Command line"; exit 2 on a bad one), then gets the streaming context from
 * the checkpoint directory, or creates it with {@link ContextFactory} when there is no checkpoint, starts it and
 * waits: for {@code --run-seconds} followed by a graceful stop, or until it is stopped (SIGTERM stops it
 * gracefully through {@code spark.streaming.stopGracefullyOnShutdown}).
 *
 * <p>Exit status: 0 after a normal stop, 1 when the stream failed, 2 for bad options.
 */
public final class IncidentStreamingApp {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentStreamingApp.class);

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
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "cannot recover from the checkpoint in " + checkpoint + ": it was written by an incompatible build "
                + "or configuration, or is damaged (" + root.getClass().getSimpleName() + "). Start with a new "
                + "--checkpoint directory: Kafka input resumes from the consumer group's committed offsets "
                + "(at-least-once for the batches in flight); running totals restart from zero unless you keep "
                + "the old outputs. Delete the old directory once the new run is healthy.";
    }

    private static boolean isCheckpointReadFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Failed to read checkpoint from directory")) {
                return true;
            }
        }
        return false;
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
        SparkConf sparkConf = ContextFactory.sparkConf(settings, conf);
        JavaStreamingContext ssc;
        try {
            ssc = JavaStreamingContext.getOrCreate(settings.checkpoint(),
                    () -> ContextFactory.create(settings, sparkConf), ContextFactory.hadoopConf(sparkConf));
        } catch (Exception e) {
            // Scala's SparkException is checked in Java's eyes, hence Exception here.
            if (!isCheckpointReadFailure(e)) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            String message = checkpointAdvice(settings.checkpoint(), e);
            LOG.error(message, e);
            System.err.println("incident-stream: " + message);
            return 1;
        }
        Runnable gracefulStop = () -> {
            if (ssc.getState() == org.apache.spark.streaming.StreamingContextState.ACTIVE) {
                LOG.info("Shutdown requested (SIGTERM): stopping gracefully, finishing the received data");
                ssc.stop(true, true);
            }
        };
        // Spark's own stopGracefullyOnShutdown hook runs after the local executor's shutdown hook (Spark 3.5), so
        // under a local master a SIGTERM would stop the executor before the pending batches ran. This hook runs
        // before all of Spark's (Hadoop priority 45 > Spark's 40), while the executor can still run them.
        ShutdownHookManager.get().addShutdownHook(gracefulStop, GRACEFUL_STOP_HOOK_PRIORITY,
                GRACEFUL_STOP_HOOK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            ssc.start();
            LOG.info("Streaming started: checkpoint {}, output {}, batch interval {} s", settings.checkpoint(),
                    settings.output(), settings.graph().batchSeconds());
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
            LOG.error("Streaming failed", e);
            System.err.println("incident-stream: streaming failed: " + e);
            ssc.stop(true, false);
            return 1;
        } finally {
            if (!ShutdownHookManager.get().isShutdownInProgress()) {
                ShutdownHookManager.get().removeShutdownHook(gracefulStop);
            }
        }
    }
}

package org.hospital.incidents.io;

import java.time.Instant;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.pipeline.GraphOutputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the DESIGN.md outputs to a graph: the four batch-folder outputs under {@code --output}, alerts on the
 * console, and a one-line summary per batch.
 *
 * <p>Output operations run in the order they are registered here; the summary comes last, so when it runs every
 * output of the batch has been written (or has failed and been recorded in the {@link BatchLedger}).
 */
public final class OutputSinks {

    /** Output folder names (DESIGN.md). */
    public static final String WARD_TOTALS = "ward-totals";
    /** Output folder of per-ward window counts. */
    public static final String WARD_WINDOWS = "ward-windows";
    /** Output folder of alerts. */
    public static final String ALERTS = "alerts";
    /** Output folder of rejected lines. */
    public static final String REJECTED = "rejected";

    /** Most alerts printed on the console per batch; every alert is in the {@code alerts} folder anyway. */
    static final int MAX_CONSOLE_ALERTS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(OutputSinks.class);

    private OutputSinks() {
    }

    /**
     * Registers the output operations.
     *
     * @param outputs the graph's streams
     * @param writer where batch folders go
     */
    public static void attach(GraphOutputs outputs, BatchFolderWriter writer) {
        writeEachBatch(outputs.rejected(), JsonCodec::rejection, writer, REJECTED, "part",
                BatchLedger.Output.REJECTED);
        writeEachBatch(outputs.wardTotals(), JsonCodec::wardTotal, writer, WARD_TOTALS, "part",
                BatchLedger.Output.WARD_TOTALS);
        writeEachBatch(outputs.wardWindows(), JsonCodec::wardWindow, writer, WARD_WINDOWS, "part",
                BatchLedger.Output.WARD_WINDOWS);
        writeEachBatch(outputs.criticalAlerts(), JsonCodec::alert, writer, ALERTS, "part-critical",
                BatchLedger.Output.CRITICAL_ALERTS);
        writeEachBatch(outputs.surgeAlerts(), JsonCodec::alert, writer, ALERTS, "part-surge",
                BatchLedger.Output.SURGE_ALERTS);
        printAlerts(outputs.criticalAlerts());
        printAlerts(outputs.surgeAlerts());
        outputs.incidents().foreachRDD((rdd, time) -> {
            // The incidents RDD is cached upstream (parsed stream), so counting it costs no re-parse.
            BatchLedger.get().record(time.milliseconds(), BatchLedger.Output.INCIDENTS, rdd.count());
        });
    }

    /**
     * Registers the per-batch summary; call after every other output operation, including Kafka's.
     *
     * @param anyBatchStream a stream with an RDD every batch interval (e.g. the accepted incidents)
     */
    public static void printSummaries(JavaDStream<?> anyBatchStream) {
        anyBatchStream.foreachRDD((rdd, time) -> {
            BatchLedger.Summary summary = BatchLedger.get().finish(time.milliseconds());
            String line = summaryLine(summary);
            System.out.println(line);
            // Already on stdout; the log keeps it at DEBUG so consoles do not show it twice.
            LOG.debug(line);
        });
    }

    /**
     * @param summary what a batch wrote
     * @return e.g. {@code batch 2026-11-21T08:00:05Z: 240 accepted, 2 rejected, 8 ward totals, 0 ward windows,
     *     alerts 1 CRITICAL 0 SURGE}
     */
    public static String summaryLine(BatchLedger.Summary summary) {
        return "batch " + Instant.ofEpochMilli(summary.batchTimeMillis()) + ": "
                + summary.count(BatchLedger.Output.INCIDENTS) + " accepted, "
                + summary.count(BatchLedger.Output.REJECTED) + " rejected, "
                + summary.count(BatchLedger.Output.WARD_TOTALS) + " ward totals, "
                + summary.count(BatchLedger.Output.WARD_WINDOWS) + " ward windows, alerts "
                + summary.count(BatchLedger.Output.CRITICAL_ALERTS) + " CRITICAL "
                + summary.count(BatchLedger.Output.SURGE_ALERTS) + " SURGE"
                + (summary.succeeded() ? "" : " -- OUTPUT FAILED: " + summary.failure());
    }

    private static <T> void writeEachBatch(JavaDStream<T> stream, Function<T, String> toJson,
            BatchFolderWriter writer, String name, String partPrefix, BatchLedger.Output output) {
        stream.foreachRDD((JavaRDD<T> rdd, Time time) -> {
            long batchTime = time.milliseconds();
            JavaRDD<String> lines = rdd.map(toJson).cache();
            try {
                long written = writer.write(lines, name, partPrefix, batchTime, rdd.context().hadoopConfiguration());
                BatchLedger.get().record(batchTime, output, written);
            } catch (Exception e) {
                BatchLedger.get().fail(batchTime, name + ": " + e);
                // Failing the job stops the context: the batch is re-run from the checkpoint on restart,
                // which is safer than carrying on with an output folder missing a batch.
                throw e;
            } finally {
                lines.unpersist(false);
            }
        });
    }

    private static void printAlerts(JavaDStream<Alert> alerts) {
        alerts.foreachRDD(rdd -> {
            List<Alert> shown = rdd.take(MAX_CONSOLE_ALERTS + 1);
            for (int i = 0; i < Math.min(shown.size(), MAX_CONSOLE_ALERTS); i++) {
                System.out.println("ALERT " + shown.get(i).message());
            }
            if (shown.size() > MAX_CONSOLE_ALERTS) {
                System.out.println("ALERT ... more alerts in this batch: see the alerts output folder");
            }
        });
    }
}

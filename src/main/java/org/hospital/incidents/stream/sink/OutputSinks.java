package org.hospital.incidents.stream.sink;

import org.hospital.incidents.ledger.LedgerMetrics;

import java.time.Instant;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.hospital.incidents.pipeline.GraphOutputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.support.ConsoleText;
import org.hospital.incidents.stream.ui.BatchDigest;
import org.hospital.incidents.stream.ui.IncidentsFeed;

/**
 * Attaches the DESIGN.md outputs to a graph: the batch-folder outputs under {@code --output}, alerts on the
 * console, and a one-line summary per batch.
 *
 * <p>One Spark job per batch writes every output (rejected lines, ward totals, event-time ward windows, alerts, the
 * review queue, re-qualifications, amendments, the archive, and the accepted and late counts): a
 * {@link BatchOutputWriter} run over the union of the outputs' records.
 *
 * <p>Output operations run in the order they are registered; the summary comes last, so when it runs every
 * output of the batch has been written (or has failed and been recorded in the {@link BatchOutcomes}).
 *
 * <p>The sinks are given, not reached: the writer, the alerts publisher, the batch outcomes and the console are
 * parameters, so a test runs the same operations with its own console and folders.
 */
public final class OutputSinks {

    /** Output folder names (DESIGN.md). */
    public static final String WARD_TOTALS = BatchOutcomes.Output.WARD_TOTALS.folder();
    /** Output folder of per-ward window counts. */
    public static final String WARD_WINDOWS = BatchOutcomes.Output.WARD_WINDOWS.folder();
    /** Output folder of alerts. */
    public static final String ALERTS = BatchOutcomes.Output.CRITICAL_ALERTS.folder();
    /** Output folder of rejected lines. */
    public static final String REJECTED = BatchOutcomes.Output.REJECTED.folder();

    /** Most alerts printed on the console per batch; every alert is in the {@code alerts} folder anyway. */
    static final int MAX_CONSOLE_ALERTS = BatchOutputWriter.MAX_CONSOLE_LINES - 1;

    private static final Logger LOG = LoggerFactory.getLogger(OutputSinks.class);

    /** Run on the driver before each batch's outputs; throws to stop the batch (the driver lock, when lost). */
    private static volatile Runnable outputGuard = () -> { };

    private static final BatchDigest.Figure WARD_TOTAL_FIGURE = new BatchDigest.Figure(
            BatchDigest.Figure.Kind.WARD_TOTAL, null);

    private OutputSinks() {
    }

    /**
     * Registers the output operations.
     *
     * @param outputs the graph's streams
     * @param writer where batch folders go
     * @param alerts publishes each batch's alerts after its files are written, or null (no {@code --alerts-topic})
     * @param outcomes records what each batch wrote (read by the Kafka commit and the summary)
     * @param console where alert lines go
     */
    public static void attach(GraphOutputs outputs, BatchOutputWriter writer, AlertPublisher alerts,
            BatchOutcomes outcomes, ConsoleSink console) {
        // Each line also carries what it tells the Incidents tab (its figure), which the write tasks gather into the
        // batch's digest as they write: the tab needs no Spark job of its own.
        // A line and its audit line come from one pass over each stream: reading a stream twice in the batch's job
        // would compute its lineage twice.
        JavaDStream<OutputRecord> everyBatch = outputs.rejected()
                .flatMap(r -> {
                    OutputRecord line = OutputRecord.line(BatchOutcomes.Output.REJECTED, JsonCodec.rejection(r),
                            new BatchDigest.Figure(BatchDigest.Figure.Kind.REJECTED, r.reason()));
                    String refusal = JsonCodec.auditRefusal(r);
                    return (refusal == null ? List.of(line)
                            : List.of(line, OutputRecord.line(BatchOutcomes.Output.AUDIT, refusal))).iterator();
                })
                .union(outputs.wardTotals()
                        .map(t -> OutputRecord.line(BatchOutcomes.Output.WARD_TOTALS, JsonCodec.wardTotal(t),
                                WARD_TOTAL_FIGURE)))
                .union(outputs.criticalAlerts().map(a -> OutputRecord.alert(a, JsonCodec.alert(a))))
                .union(outputs.acceptedCounts().map(n -> OutputRecord.count(BatchOutcomes.Output.INCIDENTS, n)))
                .union(outputs.lateCounts().filter(n -> n > 0).map(n -> OutputRecord.count(BatchOutcomes.Output.LATE,
                        n)))
                .union(outputs.wardWindows()
                        .map(w -> OutputRecord.line(BatchOutcomes.Output.WARD_WINDOWS, JsonCodec.wardWindow(w), w)))
                .union(outputs.surgeAlerts().map(a -> OutputRecord.alert(a, JsonCodec.alert(a))))
                .union(outputs.review().transform((rdd, time) -> rdd.map(report -> OutputRecord.line(
                        BatchOutcomes.Output.REVIEW, JsonCodec.review(report, time.milliseconds()),
                        new BatchDigest.Figure(BatchDigest.Figure.Kind.REVIEWED, report.eventId())))))
                // With the audit trail's line of each (docs/DESIGN.md "audit/"): re-qualifications applied and
                // refused (above, with the rejected lines), amendments.
                .union(outputs.requalifications().transform((rdd, time) -> rdd.flatMap(r -> List.of(
                        OutputRecord.line(BatchOutcomes.Output.REQUALIFICATIONS,
                                JsonCodec.requalification(r, time.milliseconds()),
                                new BatchDigest.Figure(BatchDigest.Figure.Kind.REQUALIFIED, r.eventId())),
                        OutputRecord.line(BatchOutcomes.Output.AUDIT,
                                JsonCodec.auditRequalification(r, time.milliseconds()))).iterator())))
                .union(outputs.amendments().transform((rdd, time) -> rdd.flatMap(a -> List.of(
                        OutputRecord.line(BatchOutcomes.Output.AMENDMENTS, JsonCodec.amendment(a, time.milliseconds())),
                        OutputRecord.line(BatchOutcomes.Output.AUDIT, JsonCodec.auditAmendment(a, time.milliseconds())))
                        .iterator())))
                // The archive's entries, compressed by the tasks that hold the parsed lines; written by the same job,
                // before the Kafka offsets of the batch are committed.
                .union(outputs.archive().map(part -> OutputRecord.bytes(BatchOutcomes.Output.ARCHIVE, part._1(),
                        part._2())));
        writeEachBatch(everyBatch, writer, alerts, outcomes, console);
        // Every output of the batch that reads the parsed slices has run: free their blocks now rather than when
        // the graph's remember duration expires.
        outputs.slices().foreachRDD(rdd -> {
            rdd.unpersist(false);
        });
        if (outputs.ledgerState() != null) {
            LatestOnly latest = new LatestOnly();
            outputs.ledgerState().foreachRDD(rdd -> latest.keep(rdd.rdd()));
        }
        LatestOnly latestWards = new LatestOnly();
        outputs.wardState().foreachRDD(rdd -> latestWards.keep(rdd.rdd()));
    }

    /**
     * Keeps only the latest version of a state stream cached: each batch, the version before it is unpersisted.
     *
     * <p>Why: Spark keeps a state stream's RDDs for two checkpoint intervals (20 batches with the shipped
     * {@code state-checkpoint-seconds=10}). For the incident ledger, a version shares the untouched segments with the
     * one before, but a backlog batch writes to every segment, so the cache held up to 20 copies of the ledger during
     * a backlog (docs/PERFORMANCE.md "The ledger's cost per batch grew with the ledger"). For the wards' state, each
     * version holds its batch's changed event-time windows, hundreds of thousands in a backlog batch: twenty versions
     * were 1.7 million window objects, most of the heap (docs/PERFORMANCE.md "Fewer objects alive"). The next
     * batch needs only the latest version; a version lost from the cache is recomputed from the last checkpoint, as
     * after a driver restart.
     */
    static final class LatestOnly implements java.io.Serializable {

        private static final long serialVersionUID = 1L;

        /** Driver-side only; empty after a recovery, where Spark's own clean-up frees the older versions. */
        private transient org.apache.spark.rdd.RDD<?> previous;

        /** @param rdd the stream's RDD of this batch, after the batch's outputs ran */
        synchronized void keep(org.apache.spark.rdd.RDD<?> rdd) {
            if (previous != null && previous.id() != rdd.id()) {
                previous.unpersist(false);
            }
            previous = rdd;
        }
    }

    /**
     * Sets what must hold before any output of a batch is written: the application's driver lock
     * ({@code CheckpointLock#assertHeld}), so a driver that lost its checkpoint to another writes nothing more.
     *
     * @param guard run on the driver before each batch's outputs; an exception fails the batch
     */
    public static void guardOutputs(Runnable guard) {
        outputGuard = guard;
    }

    private static void writeEachBatch(JavaDStream<OutputRecord> records, BatchOutputWriter writer,
            AlertPublisher alerts, BatchOutcomes outcomes, ConsoleSink console) {
        records.foreachRDD((JavaRDD<OutputRecord> rdd, Time time) -> {
            long batchTime = time.milliseconds();
            BatchOutputWriter.Written written;
            try {
                outputGuard.run();
                written = writer.write(rdd, batchTime, rdd.context().hadoopConfiguration(),
                        IncidentCounters.get(rdd.context()));
                if (alerts != null && (written.count(BatchOutcomes.Output.CRITICAL_ALERTS) > 0
                        || written.count(BatchOutcomes.Output.SURGE_ALERTS) > 0)) {
                    // After the files, before the offsets are committed (a later output operation): one transaction
                    // with the batch's progress record, so a re-run batch publishes nothing twice.
                    alerts.publish(batchTime, rdd);
                }
            } catch (Exception e) {
                outcomes.fail(batchTime, "outputs: " + e);
                // Failing the job stops the context: the batch is re-run from the checkpoint on restart,
                // which is safer than carrying on with an output folder missing a batch.
                throw e;
            }
            for (BatchOutcomes.Output output : BatchOutcomes.Output.values()) {
                if (written.count(output) > 0) {
                    outcomes.record(batchTime, output, written.count(output));
                }
                printAlerts(written.console(output), console);
            }
            // The Incidents tab's figures: what the write tasks gathered, handed to the driver's feed (none in a
            // graph test); the feed posts them when the batch completes.
            IncidentsFeed.written(rdd.context(), batchTime, written.digest(), new long[] {
                written.count(BatchOutcomes.Output.INCIDENTS), written.count(BatchOutcomes.Output.LATE),
                written.count(BatchOutcomes.Output.REJECTED), written.count(BatchOutcomes.Output.AMENDMENTS),
                written.count(BatchOutcomes.Output.REQUALIFICATIONS)}, LedgerMetrics.latest(rdd.context()));
        });
    }

    /**
     * @param message an alert's message, which carries ward and event ids as reported
     * @return the console line: {@code ALERT <message>}, control characters escaped so one alert is one line
     */
    public static String alertLine(String message) {
        return "ALERT " + ConsoleText.escape(message);
    }

    private static void printAlerts(List<String> shown, ConsoleSink console) {
        for (int i = 0; i < Math.min(shown.size(), MAX_CONSOLE_ALERTS); i++) {
            console.println(alertLine(shown.get(i)));
        }
        if (shown.size() > MAX_CONSOLE_ALERTS) {
            console.println("ALERT ... more alerts in this batch: see the alerts output folder");
        }
    }

    /**
     * Registers the per-batch summary; call after every other output operation, including Kafka's. A line is
     * printed for a batch with input (accepted, rejected or re-qualified reports), alerts or a failed output, and
     * otherwise at most once a minute as a heartbeat ({@link #worthPrinting}): an idle 1 s stream would print a line
     * a second that hides the ones that matter.
     *
     * @param anyBatchStream a stream with an RDD every batch interval (e.g. the accepted incidents)
     * @param outcomes what the other output operations recorded
     * @param console where summary lines go
     */
    public static void printSummaries(JavaDStream<?> anyBatchStream, BatchOutcomes outcomes, ConsoleSink console) {
        // When the driver last printed a summary line, epoch millis; kept with the operation in the checkpoint, so
        // a restarted driver prints its first line at once (the last one is older than a minute by then, or news).
        java.util.concurrent.atomic.AtomicLong lastPrinted = new java.util.concurrent.atomic.AtomicLong();
        anyBatchStream.foreachRDD((rdd, time) -> {
            BatchOutcomes.Summary summary = outcomes.finish(time.milliseconds());
            long now = System.currentTimeMillis();
            if (!worthPrinting(summary, lastPrinted.get(), now)) {
                return;
            }
            lastPrinted.set(now);
            String line = summaryLine(summary) + (hasNews(summary) ? "" : " (heartbeat: idle)");
            console.println(line);
            // Already on stdout; the log keeps it at DEBUG so consoles do not show it twice.
            LOG.debug(line);
        });
    }

    /** Longest silence between two summary lines on an idle stream. */
    static final long HEARTBEAT_MILLIS = 60_000;

    /**
     * @param summary what a batch wrote
     * @return true when the batch had input, alerts, re-qualifications or a failed output
     */
    static boolean hasNews(BatchOutcomes.Summary summary) {
        return !summary.succeeded() || summary.count(BatchOutcomes.Output.INCIDENTS) > 0
                || summary.count(BatchOutcomes.Output.REJECTED) > 0
                || summary.count(BatchOutcomes.Output.REQUALIFICATIONS) > 0
                || summary.count(BatchOutcomes.Output.AMENDMENTS) > 0
                || summary.count(BatchOutcomes.Output.CRITICAL_ALERTS) > 0
                || summary.count(BatchOutcomes.Output.SURGE_ALERTS) > 0;
    }

    /**
     * @param summary what a batch wrote
     * @param lastPrintedMillis when the last summary line was printed, epoch millis (0 = never)
     * @param nowMillis now, epoch millis
     * @return true to print the batch's line: it has news ({@link #hasNews}), or the last line is a minute old
     */
    static boolean worthPrinting(BatchOutcomes.Summary summary, long lastPrintedMillis, long nowMillis) {
        return hasNews(summary) || nowMillis - lastPrintedMillis >= HEARTBEAT_MILLIS;
    }

    /**
     * @param summary what a batch wrote
     * @return e.g. {@code batch 2026-11-21T08:00:05Z: 240 accepted, 2 rejected, 8 ward totals, 0 ward windows,
     *     alerts 1 CRITICAL 0 SURGE}
     */
    public static String summaryLine(BatchOutcomes.Summary summary) {
        return "batch " + Instant.ofEpochMilli(summary.batchTimeMillis()) + ": "
                + summary.count(BatchOutcomes.Output.INCIDENTS) + " accepted, "
                + summary.count(BatchOutcomes.Output.REJECTED) + " rejected, "
                + (summary.count(BatchOutcomes.Output.REQUALIFICATIONS) == 0 ? ""
                        : summary.count(BatchOutcomes.Output.REQUALIFICATIONS) + " requalified, ")
                + (summary.count(BatchOutcomes.Output.AMENDMENTS) == 0 ? ""
                        : summary.count(BatchOutcomes.Output.AMENDMENTS) + " amended, ")
                + (summary.count(BatchOutcomes.Output.LATE) == 0 ? ""
                        : summary.count(BatchOutcomes.Output.LATE) + " late, ")
                + summary.count(BatchOutcomes.Output.WARD_TOTALS) + " ward totals, "
                + summary.count(BatchOutcomes.Output.WARD_WINDOWS) + " ward windows, alerts "
                + summary.count(BatchOutcomes.Output.CRITICAL_ALERTS) + " CRITICAL "
                + summary.count(BatchOutcomes.Output.SURGE_ALERTS) + " SURGE"
                + (summary.succeeded() ? "" : " -- OUTPUT FAILED: " + summary.failure());
    }
}

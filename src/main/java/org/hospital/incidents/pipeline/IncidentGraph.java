package org.hospital.incidents.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.BatchSlice;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardRecord;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.parse.Pseudonymizer;
import scala.Tuple2;

/**
 * Builds the incident DStream graph: a pure function of its input stream, creating no context, source or sink.
 *
 * <pre>
 * lines ─ parse into slices ─┬─ rejections ───────────────────────────────────────────────────► rejected
 *   (per partition; blank    └─ accepted ─ mapWithState by eventId ─┬─ duplicates ─────────────────► rejected
 *    lines dropped)             (duplicate check)                  └─ counted ─┬─ ward counts ─ reduceByKey ─┐
 *                                                                              ├─ death/severe ► criticalAlerts
 *                                                                              └─ count ──────► acceptedCounts
 *                                                                              └─ unclassified ► review
 *   ward counts + re-qualification records ─ updateStateByKey ─┬─ totals ► wardTotals
 *                                                              ├─ applied ► requalifications
 *                                                              └─ refused ► rejected
 *   ward counts ─ reduceByKeyAndWindow ► wardWindows ─ surge ───► surgeAlerts
 * </pre>
 *
 * <p>CRITICAL alerts come every batch interval, SURGE alerts every slide interval; DStreams of different slide
 * intervals cannot be unioned, so the two alert streams stay apart and the sink writes both into the same
 * {@code alerts/batch-<time>} folder.
 *
 * <p>The caller must have set a checkpoint directory on the context (both {@code updateStateByKey} and the
 * inverse-function window require one). Both {@code main} and the tests call {@link #build}.
 */
public final class IncidentGraph {

    private IncidentGraph() {
    }

    /**
     * Parses one partition of a batch.
     *
     * @param lines the partition's lines
     * @param parser the parser
     * @param archive encodes every non-blank line for the archive, or null when the archive is off
     * @param batchTimeMillis batch time, epoch millis
     * @param checkDuplicates whether accepted reports go through the duplicate check (else they are counted here)
     * @return the partition's slice: accepted reports as candidates, rejections and the compressed archive entries
     * @throws IOException from the archive's codec
     */
    static BatchSlice slice(Iterator<SourcedLine> lines, IncidentParser parser, ArchiveEncoder archive,
            long batchTimeMillis, boolean checkDuplicates) throws IOException {
        BatchSlice slice = new BatchSlice();
        ArchiveEncoder.Part part = archive == null ? null : archive.newPart(batchTimeMillis);
        while (lines.hasNext()) {
            SourcedLine line = lines.next();
            if (line.line() == null || line.line().isBlank()) {
                continue;
            }
            ParseResult result = parser.parse(line, batchTimeMillis, part == null ? null : part.begin(line.source()));
            if (result.isAccepted()) {
                slice.accept(result.incident(), line, checkDuplicates);
                if (part != null && result.incident().isRequalification()) {
                    part.requalified();
                } else if (part != null) {
                    part.accepted();
                }
            } else {
                slice.reject(result.rejection());
                if (part != null) {
                    part.rejected(line.source(), result.rejection().reason(), line.line());
                }
            }
        }
        if (part != null) {
            slice.archive(part.finish(), part.entries());
        }
        return slice;
    }

    /**
     * Wires the graph for a first start: no seed, the default duplicate horizon.
     *
     * @param lines raw input lines of every source, already unioned
     * @param settings window, slide, threshold and checkpoint parameters (seconds)
     * @param pseudonymizer turns patientRef values into tokens
     * @param archive encodes every line for the archive, or null when the archive is off
     * @return the output streams
     * @see #build(JavaDStream, GraphSettings, Pseudonymizer, ArchiveEncoder, StateSeed)
     */
    public static GraphOutputs build(JavaDStream<SourcedLine> lines, GraphSettings settings,
            Pseudonymizer pseudonymizer, ArchiveEncoder archive) {
        return build(lines, settings, pseudonymizer, archive, StateSeed.none());
    }

    /**
     * Wires the graph.
     *
     * @param lines raw input lines of every source, already unioned
     * @param settings window, slide, threshold and checkpoint parameters (seconds)
     * @param pseudonymizer turns patientRef values into tokens; holds the key file's path, not the key, since the
     *     graph is written to every checkpoint
     * @param archive encodes every line for the archive (DESIGN.md "Archive"), or null when the archive is off;
     *     the entries travel in the slices ({@link BatchSlice#archive()}) to whoever writes them
     * @param seed where the running state and the duplicate memory start (a new checkpoint after an earlier run),
     *     and the duplicate horizon
     * @return the output streams; the caller attaches sinks to them
     */
    public static GraphOutputs build(JavaDStream<SourcedLine> lines, GraphSettings settings,
            Pseudonymizer pseudonymizer, ArchiveEncoder archive, StateSeed seed) {
        IncidentParser parser = new IncidentParser(pseudonymizer);
        // One pass per partition: parse, and keep only what the outputs need (see BatchSlice). Blank lines carry no
        // report: DESIGN.md says they are ignored, not rejected.
        boolean checkDuplicates = seed.dedupHorizonHours() > 0;
        JavaDStream<BatchSlice> slices = lines.transform((rdd, time) -> rdd.mapPartitions(
                part -> List.of(slice(part, parser, archive, time.milliseconds(), checkDuplicates)).iterator()));
        // Read by several branches within the batch's job: cached deserialized (candidates point at the lines).
        slices.persist(StorageLevel.MEMORY_ONLY());

        HashPartitioner partitioner = new HashPartitioner(settings.partitions());

        JavaDStream<Rejection> rejectedOnArrival = slices.flatMap(slice -> slice.rejections().iterator());
        JavaDStream<Candidate> countedForAlertsAndReview;
        JavaDStream<Long> acceptedCounts;
        JavaPairDStream<String, WardState> batchCounts;
        if (checkDuplicates) {
            // Each eventId counts once within the horizon (DESIGN.md "Restarts and upgrades"). The one shuffle of
            // every accepted report: keyed by eventId to the partition of the duplicate memory that knows it.
            // mapWithState touches only the keys of the batch (updateStateByKey would rewrite the whole memory
            // every batch) and expires an eventId one horizon after it was counted. No checkpoint() call on
            // purpose: it would re-persist the state serialized (DStream.persist()'s MEMORY_ONLY_SER), and
            // serializing a state map writes the whole memory every batch; Spark's own default keeps it
            // deserialized and checkpoints it every 10 batch intervals.
            JavaDStream<Candidate> checked = slices.flatMapToPair(BatchSlice::byEventId)
                    .mapWithState(StateSpec.function(new DuplicateCheck(seed)).partitioner(partitioner)
                            .timeout(Durations.milliseconds(seed.dedupHorizonMillis())));
            JavaDStream<Candidate> counted = checked.filter(Candidate::isFirst);
            rejectedOnArrival = rejectedOnArrival.union(checked.filter(report -> !report.isFirst())
                    .transform((rdd, time) -> rdd.map(report -> Rejection.of("duplicate eventId (first seen "
                            + report.firstSeenBatchTime() + ")", parser.maskForRejected(report.line()),
                            report.source(), time.milliseconds()))));
            countedForAlertsAndReview = counted;
            acceptedCounts = counted.mapPartitions(reports -> {
                long n = 0;
                for (; reports.hasNext(); reports.next()) {
                    n++;
                }
                return List.of(n).iterator();
            });
            // One shuffle per batch serves both the running state and the window: each ward's counts in the
            // batch, partitioned like the state, so updateStateByKey's cogroup with the previous state needs no
            // shuffle.
            batchCounts = counted.mapToPair(report -> new Tuple2<>(report.wardId(), WardState.of(report)))
                    .reduceByKey(WardState::plus, partitioner);
        } else {
            // dedup-horizon-hours=0: no duplicate check, every report counted in the parsing pass (issue 10's fast
            // path, for a throughput the duplicate check's shuffle of every report cannot reach).
            countedForAlertsAndReview = slices.flatMap(slice -> slice.countedForAlertsAndReview().iterator());
            acceptedCounts = slices.map(BatchSlice::accepted);
            batchCounts = slices.flatMapToPair(BatchSlice::wardCounts).reduceByKey(WardState::plus, partitioner);
        }
        // Small (one entry per ward with incidents) and read again on slide batches by the window.
        batchCounts.persist(StorageLevel.MEMORY_ONLY());
        // The ward's changes: its counts (partitioning kept), and the batch's re-qualifications, partitioned the same
        // way so that the union stays partitioned and updateStateByKey's cogroup needs no shuffle of the counts.
        JavaPairDStream<String, WardChange> changes = batchCounts
                .transformToPair(rdd -> rdd.mapPartitionsToPair(wards -> {
                    List<Tuple2<String, WardChange>> keyed = new ArrayList<>();
                    wards.forEachRemaining(ward -> keyed.add(new Tuple2<>(ward._1(),
                            WardChange.counts(ward._1(), ward._2()))));
                    return keyed.iterator();
                }, true))
                .union(slices.flatMapToPair(slice -> slice.requalifications().stream()
                        .map(r -> new Tuple2<>(r.wardId(), WardChange.requalification(r))).iterator())
                        .transformToPair(rdd -> rdd.partitionBy(partitioner)));
        JavaPairDStream<String, WardRecord> states = changes
                .updateStateByKey(new WardStateUpdate(seed.wards()), partitioner);
        states.checkpoint(Durations.seconds(settings.stateCheckpointSeconds()));
        JavaDStream<WardTotal> wardTotals = states
                .filter(ward -> ward._2().totals().changedInBatch())
                .transform((rdd, time) -> rdd.map(ward -> new WardTotal(ward._1(), ward._2().totals(),
                        time.milliseconds())));
        JavaDStream<Requalification> requalifications = states.flatMap(ward -> ward._2().applied().iterator());
        JavaDStream<Rejection> refused = states.flatMap(ward -> ward._2().refused().iterator())
                .transform((rdd, time) -> rdd.map(refusal -> Rejection.of(refusal.reason(),
                        parser.maskForRejected(refusal.requalification().line()), refusal.requalification().source(),
                        time.milliseconds())));
        JavaDStream<Incident> review = countedForAlertsAndReview.filter(report -> report.unclassified() != null)
                .map(Candidate::unclassified);

        long windowMillis = settings.windowSeconds() * 1000L;
        JavaPairDStream<String, WindowCounts> perBatch = batchCounts.mapValues(WindowCounts::of);
        JavaPairDStream<String, WindowCounts> windowed;
        if (settings.windowSeconds() > settings.slideSeconds()) {
            // Inverse-function form: each slide adds the batches entering the window and subtracts those
            // leaving; the filter drops a ward whose count fell back to 0 so the window state does not keep
            // every ward ever seen (Spark guide, "Window Operations").
            windowed = perBatch.reduceByKeyAndWindow(WindowCounts::plus, WindowCounts::minus,
                    Durations.seconds(settings.windowSeconds()), Durations.seconds(settings.slideSeconds()),
                    settings.partitions(), ward -> ward._2().count() > 0);
            windowed.checkpoint(Durations.seconds(settings.windowCheckpointSeconds()));
        } else {
            // Tumbling window (length == slide): nothing leaves a window that a later one reuses, so the
            // inverse form would only add work.
            windowed = perBatch.reduceByKeyAndWindow(WindowCounts::plus, Durations.seconds(settings.windowSeconds()),
                    Durations.seconds(settings.slideSeconds()), settings.partitions());
        }
        JavaDStream<WardWindow> wardWindows = windowed.transform((rdd, time) -> rdd.map(ward -> new WardWindow(
                ward._1(), time.milliseconds() - windowMillis, time.milliseconds(), ward._2())));

        long threshold = settings.surgeThreshold();
        JavaDStream<Alert> surgeAlerts = wardWindows.transform((rdd, time) -> rdd.flatMap(window -> AlertRules
                .surge(window, threshold, time.milliseconds()).stream().iterator()));
        JavaDStream<Alert> criticalAlerts = countedForAlertsAndReview.filter(report -> report.harmLevel().isCritical())
                .transform((rdd, time) -> rdd.map(report -> AlertRules.critical(report, time.milliseconds())));
        return new GraphOutputs(slices, acceptedCounts, rejectedOnArrival.union(refused), wardTotals, wardWindows,
                criticalAlerts, surgeAlerts, review, requalifications);
    }
}

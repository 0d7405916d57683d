package org.hospital.incidents.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Amendment;
import org.hospital.incidents.pipeline.batch.BatchSlice;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.pipeline.batch.PackedEntries;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.Settled;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.parse.Pseudonymizer;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Builds the incident DStream graph: a pure function of its input stream, creating no context, source or sink.
 *
 * <pre>
 * lines ─ parse into slices ─┬─ rejections ─────────────────────────────────────────────────────────► rejected
 *   (per partition; blank    └─ candidates (compact) ─ updateStateByKey by ledger bucket (incident ledger) ─ verdicts
 *    lines dropped; lines,                                                                              │
 *    reports to review and     verdicts ─┬─ counted / amended / requalified ─ ward changes ─ reduceByKey ─┐
 *    archive entries stay               ├─ counted at severe, death; amended up to them ──► criticalAlerts│
 *    in the cached slice)               ├─ amended ─────────────────────────────────────► amendments     │
 *                                        ├─ requalified ─────────────────────────────────► requalifications│
 *                                        └─ duplicate, refused, to review, amended ─ back to their slices ─┬► rejected
 *                                                                          (zipPartitions, no line moves)  ├► review
 *                                                                                                          └► archive
 *   the wards' state before the batch (the previous batch's, cached) ─ slowest input partition's newest ─► watermark
 *   verdicts × watermark ─ per ward: counts, late, on-time reports by bucket, limits ─ updateStateByKey ─┬► wardTotals
 *                                                      (EventTimeRule: windows, SURGE once per burst)    ├► wardWindows
 *                                                                                                        └► surgeAlerts
 * </pre>
 *
 * <p>Privacy by construction (docs/DESIGN.md "The incident ledger"): the only shuffle of every accepted line carries
 * its {@link Candidate} (ward, harm level, category, report type, times, and where its line stays), never the raw
 * line, {@code patientRef}, the token or the description; the ledger's state and verdicts, which Spark checkpoints,
 * hold only compact entries ({@link LedgerShard}). What needs the line afterwards is computed in the task that holds
 * it.
 *
 * <p>Windows are in event time (docs/DESIGN.md "Surges in event time"): on {@code occurredAt}, judged against a
 * watermark that trails the stream's event-time clock before the batch ({@link EventTimeRule#clock}: the newest
 * {@code occurredAt} counted, from the input partition furthest behind) by the allowed lateness, so a
 * backlog that arrives at once raises only the surges that happened, and a burst pages once however its reports are
 * spread over batches. Every output comes every batch interval.
 *
 * <p>The caller must have set a checkpoint directory on the context ({@code updateStateByKey} requires one). Both
 * {@code main} and the tests call {@link #build}.
 */
public final class IncidentGraph {

    private IncidentGraph() {
    }

    /**
     * Ledger buckets per partition of the graph's shuffles: enough that a quiet batch copies only the few buckets its
     * reports fall in ({@link LedgerShard}), few enough that the per-batch pass over every bucket costs nothing.
     */
    static final int LEDGER_BUCKETS_PER_PARTITION = 64;

    /** Reason for a re-qualification received while the ledger is off. */
    static final String REQUALIFICATION_WITHOUT_LEDGER = "a re-qualification is checked against the incident ledger, "
            + "which dedup-horizon-hours=0 turns off";

    /**
     * Parses one partition of a batch.
     *
     * @param partition the partition's index
     * @param lines the partition's lines
     * @param parser the parser
     * @param archive encodes every non-blank line for the archive, or null when the archive is off
     * @param batchTimeMillis batch time, epoch millis
     * @param ledger whether accepted lines go to the incident ledger (else reports are counted here)
     * @param maxFutureMillis how far after the batch time an {@code occurredAt} may be, millis (docs/DESIGN.md
     *     "Surges in event time": a clock set wrong must not move the watermark)
     * @return the partition's slice
     * @throws IOException from the archive's codec
     */
    static BatchSlice slice(int partition, Iterator<SourcedLine> lines, IncidentParser parser, ArchiveEncoder archive,
            long batchTimeMillis, boolean ledger, long maxFutureMillis) throws IOException {
        BatchSlice slice = new BatchSlice(partition);
        ArchiveEncoder.Part part = archive == null ? null
                : ledger ? archive.newDeferredPart(batchTimeMillis) : archive.newPart(batchTimeMillis);
        while (lines.hasNext()) {
            SourcedLine line = lines.next();
            if (line.line() == null || line.line().isBlank()) {
                continue;
            }
            ParseResult result = parser.parse(line, batchTimeMillis, part == null ? null : part.begin(line.source()));
            Rejection rejection = result.isAccepted() ? null : result.rejection();
            if (rejection == null && result.incident().occurredAt().toEpochMilli() - maxFutureMillis
                    > batchTimeMillis) {
                rejection = Rejection.of("occurredAt " + result.incident().occurredAt() + " is in the future",
                        parser.maskForRejected(line.line()), line.source(), batchTimeMillis);
            } else if (rejection == null && !ledger && result.incident().isRequalification()) {
                rejection = Rejection.of(REQUALIFICATION_WITHOUT_LEDGER, parser.maskForRejected(line.line()),
                        line.source(), batchTimeMillis);
            }
            if (rejection != null) {
                slice.reject(rejection);
                if (part != null) {
                    part.rejected(line.source(), rejection.reason(), line.line());
                }
                continue;
            }
            Incident incident = result.incident();
            if (ledger) {
                slice.accept(incident, line, part == null ? -1 : (int) part.entries());
            } else {
                slice.count(incident);
            }
            if (part != null && incident.isRequalification()) {
                part.requalified();
            } else if (part != null) {
                part.accepted();
            }
        }
        if (part != null && ledger) {
            slice.archiveEntries(part.rendered());
        } else if (part != null) {
            slice.archive(part.finish(), part.entries());
        }
        return slice;
    }

    /**
     * What a slice yields once the ledger has decided: the lines it rejected (masked), the reports for review, the
     * archive entries with the ledger's decisions (an amendment's status {@code amended}; a duplicate or refused
     * re-qualification {@code rejected} with its reason), compressed. Runs in the task that holds the slice.
     *
     * @param slices the partition's slice (one)
     * @param verdicts the verdicts on this partition's lines that need the slice ({@link Verdict#returnsToSlice()})
     * @param parser masks rejected lines
     * @param archive compresses the archive entries, or null when the archive is off
     * @param batchTimeMillis batch time, epoch millis
     * @return one {@link Settled}
     * @throws IOException from the archive's codec
     */
    static Iterator<Settled> settle(Iterator<BatchSlice> slices, Iterator<Verdict> verdicts, IncidentParser parser,
            ArchiveEncoder archive, long batchTimeMillis) throws IOException {
        if (!slices.hasNext()) {
            return Collections.emptyIterator();
        }
        BatchSlice slice = slices.next();
        ArrayList<Rejection> rejections = new ArrayList<>();
        ArrayList<Incident> review = new ArrayList<>();
        PackedEntries entries = slice.archiveEntries();
        // The entries the ledger changed, by index; the cached slice stays as it was parsed, so that a recomputed
        // task starts from the same entries.
        Map<Integer, String> replaced = new HashMap<>();
        while (verdicts.hasNext()) {
            Verdict verdict = verdicts.next();
            // Made again from the packed slice only for a rejection, and once for both its uses.
            SourcedLine line = verdict.isRejected() ? slice.line(verdict.position()) : null;
            if (verdict.isRejected()) {
                rejections.add(Rejection.of(verdict.reason(), parser.maskForRejected(line.line()), line.source(),
                        batchTimeMillis));
            }
            if (verdict.goesToReview() && slice.unclassified(verdict.position()) != null) {
                review.add(slice.unclassified(verdict.position()));
            }
            if ((verdict.kind() == Verdict.Kind.AMENDED || verdict.isRejected()) && entries != null) {
                int at = slice.archiveEntryOf(verdict.position());
                replaced.put(at, verdict.isRejected()
                        ? archive.rejectedEntry(batchTimeMillis, line.source(), verdict.reason(), line.line())
                        : ArchiveEncoder.amended(entries.get(at)));
            }
        }
        byte[] compressed = archive == null || entries == null ? null : archive.compress(entries, replaced);
        return List.of(new Settled(rejections, review, compressed, entries == null ? 0 : entries.size())).iterator();
    }

    /**
     * Wires the graph for a first start: no seed, the default horizon, every ward's limit the threshold.
     *
     * @param lines raw input lines of every source, already unioned
     * @param settings window, slide, threshold, lateness and checkpoint parameters (seconds)
     * @param pseudonymizer turns patientRef values into tokens
     * @param archive encodes every line for the archive, or null when the archive is off
     * @return the output streams
     * @see #build(JavaDStream, GraphSettings, Pseudonymizer, ArchiveEncoder, StateSeed, SurgeLimitsSource)
     */
    public static GraphOutputs build(JavaDStream<SourcedLine> lines, GraphSettings settings,
            Pseudonymizer pseudonymizer, ArchiveEncoder archive) {
        return build(lines, settings, pseudonymizer, archive, StateSeed.none());
    }

    /**
     * Wires the graph with every ward's limit the threshold.
     *
     * @param lines raw input lines of every source, already unioned
     * @param settings window, slide, threshold, lateness and checkpoint parameters (seconds)
     * @param pseudonymizer turns patientRef values into tokens
     * @param archive encodes every line for the archive, or null when the archive is off
     * @param seed where the ward counts and the ledger start, and the ledger's horizon (0 = no ledger)
     * @return the output streams
     * @see #build(JavaDStream, GraphSettings, Pseudonymizer, ArchiveEncoder, StateSeed, SurgeLimitsSource)
     */
    public static GraphOutputs build(JavaDStream<SourcedLine> lines, GraphSettings settings,
            Pseudonymizer pseudonymizer, ArchiveEncoder archive, StateSeed seed) {
        return build(lines, settings, pseudonymizer, archive, seed, SurgeLimitsSource.threshold(settings));
    }

    /**
     * Wires the graph.
     *
     * @param lines raw input lines of every source, already unioned
     * @param settings window, slide, threshold, lateness and checkpoint parameters (seconds)
     * @param pseudonymizer turns patientRef values into tokens; holds the key file's path, not the key, since the
     *     graph is written to every checkpoint
     * @param archive encodes every line for the archive (docs/DESIGN.md "Archive"), or null when the archive is off
     * @param seed where the ward counts and the ledger start (a new checkpoint after an earlier run), and the
     *     ledger's horizon (0 = no ledger)
     * @param limits the wards' SURGE limits, asked on the driver at each batch
     * @return the output streams; the caller attaches sinks to them
     */
    public static GraphOutputs build(JavaDStream<SourcedLine> lines, GraphSettings settings,
            Pseudonymizer pseudonymizer, ArchiveEncoder archive, StateSeed seed, SurgeLimitsSource limits) {
        IncidentParser parser = new IncidentParser(pseudonymizer);
        boolean ledgerOn = seed.dedupHorizonHours() > 0;
        long maxFutureMillis = settings.maxFutureSeconds() * 1000L;
        // One pass per partition: parse, and keep only what the outputs need (see BatchSlice). Blank lines carry no
        // report: docs/DESIGN.md says they are ignored, not rejected.
        // The key reaches the tasks as the driver's broadcast, bound here for each batch: never in the checkpoint.
        JavaDStream<BatchSlice> slices = lines.transform((rdd, time) -> {
            IncidentParser shipped = parser.shippedBy(rdd.context());
            return rdd.mapPartitionsWithIndex((index, part) -> List.of(slice(index, part, shipped, archive,
                    time.milliseconds(), ledgerOn, maxFutureMillis)).iterator(), false);
        });
        // Read by several branches within the batch's job, and by the verdicts coming back: cached deserialized.
        slices.persist(StorageLevel.MEMORY_ONLY());

        HashPartitioner partitioner = new HashPartitioner(settings.partitions());
        EventTimeRule rule = EventTimeRule.of(settings);
        long bucketMillis = rule.bucketMillis();
        long latenessMillis = settings.allowedLatenessSeconds() * 1000L;
        JavaDStream<Rejection> rejected = slices.flatMap(slice -> slice.rejections().iterator());
        JavaDStream<Alert> criticalAlerts;
        JavaDStream<Long> acceptedCounts;
        JavaDStream<Incident> review;
        JavaDStream<Requalification> requalifications;
        JavaDStream<Amendment> amendments;
        JavaDStream<Tuple2<byte[], Long>> archived;
        // The wards' state as it stood before each batch: the event-time clock a batch is judged by is the largest
        // occurredAt counted over them (PreviousBatchDStream). It follows the ward state, made further down.
        @SuppressWarnings("unchecked")
        ClassTag<Tuple2<String, WardStatus>> stateTag = (ClassTag<Tuple2<String, WardStatus>>) (ClassTag<?>)
                ClassTag$.MODULE$.apply(Tuple2.class);
        PreviousBatchDStream<Tuple2<String, WardStatus>> before = new PreviousBatchDStream<>(lines.context(),
                Durations.seconds(settings.batchSeconds()), stateTag);
        JavaPairDStream<String, WardStatus> statesBefore = JavaPairDStream.fromPairDStream(before,
                ClassTag$.MODULE$.apply(String.class), ClassTag$.MODULE$.apply(WardStatus.class));
        JavaPairDStream<String, WardChange> batchChanges;
        JavaDStream<long[]> ledger = null;
        JavaPairDStream<Integer, LedgerShard> ledgerState = null;
        if (ledgerOn) {
            // The incident ledger (docs/DESIGN.md): the one shuffle of every accepted line carries compact candidates,
            // grouped per ledger bucket, to the partition that holds the bucket (updateStateByKey's cogroup with the
            // previous state needs no shuffle of the state). Checkpointed like the ward state, but kept deserialized
            // between batches: checkpoint() alone would re-persist it serialized, writing the whole ledger every batch.
            int buckets = settings.partitions() * LEDGER_BUCKETS_PER_PARTITION;
            JavaPairDStream<Integer, LedgerShard> decided = slices
                    .transformToPair((rdd, time) -> rdd.flatMapToPair(slice -> slice.byBucket(buckets,
                            time.milliseconds())))
                    .updateStateByKey(new LedgerUpdate(seed), partitioner);
            decided.checkpoint(Durations.seconds(settings.stateCheckpointSeconds()));
            decided.persist(StorageLevel.MEMORY_ONLY());
            ledgerState = decided;
            ledger = decided.map(bucket -> new long[] {bucket._2().size(), bucket._2().estimatedSize()});
            JavaDStream<Verdict> verdicts = decided.flatMap(bucket -> bucket._2().verdicts().iterator());
            JavaDStream<Settled> settled = slices.transformWith(verdicts.filter(Verdict::returnsToSlice),
                    (JavaRDD<BatchSlice> sliceRdd, JavaRDD<Verdict> back, org.apache.spark.streaming.Time time) -> {
                        IncidentParser shipped = parser.shippedBy(sliceRdd.context());
                        return sliceRdd.zipPartitions(back.mapToPair(v -> new Tuple2<>(v.partition(), v))
                                .partitionBy(new IndexPartitioner(sliceRdd.getNumPartitions())).values(),
                                (slice, returned) -> settle(slice, returned, shipped, archive, time.milliseconds()));
                    });
            settled.persist(StorageLevel.MEMORY_ONLY());
            rejected = rejected.union(settled.flatMap(s -> s.rejections().iterator()));
            review = settled.flatMap(s -> s.review().iterator());
            archived = settled.filter(s -> s.archive() != null).map(s -> new Tuple2<>(s.archive(), s.archived()));
            criticalAlerts = verdicts.filter(Verdict::raisesCritical)
                    .transform((rdd, time) -> rdd.map(v -> AlertRules.critical(v, time.milliseconds())));
            acceptedCounts = verdicts.mapPartitions(part -> {
                long n = 0;
                while (part.hasNext()) {
                    n += part.next().kind() == Verdict.Kind.COUNTED ? 1 : 0;
                }
                return List.of(n).iterator();
            });
            amendments = verdicts.filter(v -> v.kind() == Verdict.Kind.AMENDED).map(Amendment::of);
            requalifications = verdicts.filter(v -> v.kind() == Verdict.Kind.REQUALIFIED).map(Requalification::of);
            batchChanges = wardChanges(statesBefore, verdicts, WardChanges.Collector::add, limits, latenessMillis,
                    bucketMillis, seed.clockMillis());
        } else {
            // dedup-horizon-hours=0: no ledger, every report counted in the parsing pass (the fast path).
            criticalAlerts = slices.flatMap(slice -> slice.critical().iterator())
                    .transform((rdd, time) -> rdd.map(report -> AlertRules.critical(report, time.milliseconds())));
            review = slices.flatMap(slice -> slice.review().iterator());
            acceptedCounts = slices.map(BatchSlice::accepted);
            amendments = slices.flatMap(slice -> Collections.emptyIterator());
            requalifications = slices.flatMap(slice -> Collections.emptyIterator());
            archived = slices.filter(s -> s.archive() != null).map(s -> new Tuple2<>(s.archive(), s.archived()));
            batchChanges = wardChanges(statesBefore, slices, WardChanges.Collector::addSlice, limits, latenessMillis,
                    bucketMillis, seed.clockMillis());
        }
        // One state per ward: running counts, event-time windows and SURGEs (docs/DESIGN.md "Surges in event time").
        // Small (one entry per ward) and read by four outputs: kept deserialized.
        JavaPairDStream<String, WardStatus> states = batchChanges
                .updateStateByKey(new WardStateUpdate(seed.wards(), seed.windows(), rule), partitioner);
        states.checkpoint(Durations.seconds(settings.stateCheckpointSeconds()));
        states.persist(StorageLevel.MEMORY_ONLY());
        before.follow(states.dstream());
        JavaDStream<WardTotal> wardTotals = states
                .filter(ward -> ward._2().totals().changedInBatch())
                .transform((rdd, time) -> rdd.map(ward -> new WardTotal(ward._1(), ward._2().totals(),
                        time.milliseconds())));
        JavaDStream<WardWindow> wardWindows = states.flatMap(ward -> ward._2().windows().iterator());
        JavaDStream<Alert> surgeAlerts = states.flatMap(ward -> ward._2().surges().iterator())
                .transform((rdd, time) -> rdd.map(surge -> AlertRules.surge(surge, time.milliseconds())));
        JavaDStream<Long> lateCounts = states.map(ward -> ward._2().lateInBatch());
        return new GraphOutputs(slices, acceptedCounts, rejected, wardTotals, wardWindows, criticalAlerts,
                surgeAlerts, review, requalifications, amendments, archived, ledger, lateCounts, ledgerState, states);
    }

    /** Adds one item of a partition (a verdict, or a slice counted without the ledger) to its ward changes. */
    @FunctionalInterface
    interface Feed<T> extends java.io.Serializable {
        /**
         * @param collector the partition's changes per ward
         * @param item one item
         */
        void into(WardChanges.Collector collector, T item);
    }

    /**
     * Each batch's changes per ward, judged against the batch's watermark, with the wards' limits attached.
     *
     * @param statesBefore the wards' state as it stood before each batch ({@link PreviousBatchDStream}): its
     *     {@link WardStatus#clock() readings} give the clock the batch is judged by ({@link EventTimeRule#clock})
     * @param items what moves the wards: verdicts, or slices without the ledger
     * @param feed adds one item to a partition's collector
     * @param limits the wards' SURGE limits, asked on the driver at each batch
     * @param latenessMillis {@code allowed-lateness-seconds} in millis
     * @param bucketMillis event-time bucket size, millis
     * @param seedClockMillis the clock a new checkpoint starts from ({@link StateSeed#clockMillis()}): seeded wards
     *     enter the state only when a batch brings them something, so the clock is never below it
     * @param <T> the items' type
     * @return (wardId, change) pairs, one per ward and partition
     */
    private static <T> JavaPairDStream<String, WardChange> wardChanges(
            JavaPairDStream<String, WardStatus> statesBefore, JavaDStream<T> items, Feed<T> feed,
            SurgeLimitsSource limits, long latenessMillis, long bucketMillis, long seedClockMillis) {
        return statesBefore.transformWithToPair(items, (stateRdd, itemRdd, time) -> {
            SurgeLimits wardLimits = limits.limits();
            long batchMillis = time.milliseconds();
            // The clock before this batch, as one value (EventTimeRule.clock): made from the wards' state after the
            // batch before (read from that batch's cache, no stage of its own; the one-element RDD, the seed's
            // clock, gives a checkpoint's first batch, which has no state, the clock the seeded wards had). Cartesian
            // with it first streams each partition of the items once, so the ward changes are made in the task that
            // makes the items.
            JavaRDD<Long> clockRdd = stateRdd.values().map(WardStatus::clock)
                    .union(JavaSparkContext.fromSparkContext(itemRdd.context())
                            .parallelize(List.of(ClockReading.of(seedClockMillis)), 1))
                    .coalesce(1).mapPartitions(readings -> List.of(EventTimeRule.clock(readings)).iterator());
            return clockRdd.cartesian(itemRdd).mapPartitionsToPair(pairs -> {
                WardChanges.Collector collector = null;
                while (pairs.hasNext()) {
                    Tuple2<Long, T> pair = pairs.next();
                    if (collector == null) {
                        collector = new WardChanges.Collector(batchMillis, pair._1(), latenessMillis, bucketMillis);
                    }
                    feed.into(collector, pair._2());
                }
                return collector == null ? Collections.emptyIterator() : collector.changes(wardLimits);
            });
        });
    }
}

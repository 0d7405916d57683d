package org.hospital.incidents.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.pipeline.batch.BatchSlice;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;
import scala.Tuple2;

/**
 * How a batch moves the wards (docs/DESIGN.md "The incident ledger", "Surges in event time"):
 * <ul>
 *   <li>counted: one more report in its ward (total, harm level, category); on time (not behind the batch's
 *       watermark) also one arrival in its event-time bucket for the windows, else one more {@code late};
 *   <li>amended in the same ward: one count moves between harm levels and categories, {@code amended} +1;
 *   <li>amended into another ward: -1 in the old ward (total, harm level, category), +1 in the new, which counts the
 *       amendment; windows ignore it;
 *   <li>re-qualified: {@code unclassified} -1, the person's category +1, {@code requalified} +1;
 *   <li>duplicate or refused: nothing.
 * </ul>
 * {@link #of} is the pure rule for one verdict's counts; a {@link Collector} adds one partition's verdicts (or
 * reports counted without the ledger) into one change per ward, so one record per ward and partition crosses the
 * shuffle.
 */
public final class WardChanges {

    private WardChanges() {
    }

    /**
     * @param verdict one verdict
     * @return the changes to the wards' running counts it makes (none, one or two); arrivals are the collector's
     */
    public static List<WardChange> of(Verdict verdict) {
        LedgerEntry before = verdict.before();
        LedgerEntry after = verdict.after();
        return switch (verdict.kind()) {
            case COUNTED -> List.of(WardChange.of(after.wardId(), WardState.of(after)));
            case AMENDED -> before.wardId().equals(after.wardId())
                    ? List.of(WardChange.of(after.wardId(), WardState.change(0, before.harmLevel(), after.harmLevel(),
                            before.category(), after.category(), after.occurredAtMillis(), 0, 1)))
                    : List.of(WardChange.of(before.wardId(), WardState.change(-1, before.harmLevel(), null,
                            before.category(), null, Long.MIN_VALUE, 0, 0)),
                            WardChange.of(after.wardId(), WardState.change(1, null, after.harmLevel(), null,
                                    after.category(), after.occurredAtMillis(), 0, 1)));
            case REQUALIFIED -> List.of(WardChange.of(after.wardId(), WardState.change(0, null, null,
                    EventCategory.UNCLASSIFIED, after.category(), Long.MIN_VALUE, 1, 0)));
            case DUPLICATE, REFUSED -> List.of();
        };
    }

    /** One partition's changes per ward, against the batch's watermark. Not thread-safe. */
    public static final class Collector {
        private final long batchMillis;
        private final long clockMillis;
        private final long watermarkMillis;
        private final long bucketMillis;
        private final Map<String, WardState> deltas = new HashMap<>();
        private final Map<String, EventBuckets.Builder> arrivals = new HashMap<>();
        /** Per ward, the newest on-time report counted from each input partition, by partition index (MIN: none). */
        private final Map<String, long[]> newestOnTime = new HashMap<>();

        /**
         * @param batchMillis the batch time, epoch millis
         * @param clockMillis the clock the batch is judged by ({@link EventTimeRule#clock}), epoch millis;
         *     {@link Long#MIN_VALUE} before any report
         * @param latenessMillis {@code allowed-lateness-seconds} in millis
         * @param bucketMillis event-time bucket size, millis ({@link EventTimeRule#bucketMillis()})
         */
        public Collector(long batchMillis, long clockMillis, long latenessMillis, long bucketMillis) {
            this.batchMillis = batchMillis;
            this.clockMillis = clockMillis;
            this.watermarkMillis = EventTimeRule.watermark(clockMillis, latenessMillis);
            this.bucketMillis = bucketMillis;
        }

        /** @param verdict one ledger verdict */
        public void add(Verdict verdict) {
            for (WardChange change : of(verdict)) {
                delta(change.wardId(), change.delta());
            }
            if (verdict.kind() == Verdict.Kind.COUNTED) {
                arrived(verdict.partition(), verdict.after().wardId(), verdict.after().occurredAtMillis(),
                        verdict.after().harmLevel());
            }
        }

        /** @param slice a partition's reports counted without the ledger: their counts and arrivals */
        public void addSlice(BatchSlice slice) {
            slice.wardCounts().forEachRemaining(ward -> delta(ward._1(), ward._2()));
            int partition = slice.partition();
            slice.forEachArrival((ward, at, level) -> arrived(partition, ward, at, level));
        }

        /**
         * @param wardId a ward
         * @param delta a change to its running counts
         */
        public void delta(String wardId, WardState delta) {
            deltas.merge(wardId, delta, WardState::plus);
        }

        /**
         * One report counted for the first time: an arrival for the windows, or late.
         *
         * @param partition the index of the batch's input partition it came from (its slice's)
         * @param wardId its ward
         * @param occurredAtMillis its {@code occurredAt}, epoch millis
         * @param level its harm level
         */
        public void arrived(int partition, String wardId, long occurredAtMillis, HarmLevel level) {
            if (occurredAtMillis < watermarkMillis) {
                // Not in the partition's newest either: a report behind the watermark cannot move the clock, and a
                // partition bringing only such reports (a downtime form fed in through Kafka) must not hold it back.
                delta(wardId, WardState.late(1));
                return;
            }
            long[] maxima = newestOnTime.get(wardId);
            if (maxima == null || maxima.length <= partition) {
                long[] grown = new long[Math.max(partition + 1, maxima == null ? 4 : maxima.length * 2)];
                Arrays.fill(grown, Long.MIN_VALUE);
                if (maxima != null) {
                    System.arraycopy(maxima, 0, grown, 0, maxima.length);
                }
                maxima = grown;
                newestOnTime.put(wardId, maxima);
            }
            maxima[partition] = Math.max(maxima[partition], occurredAtMillis);
            arrivals.computeIfAbsent(wardId, ward -> new EventBuckets.Builder(bucketMillis))
                    .add(occurredAtMillis, level);
        }

        /**
         * @param limits the run's SURGE limits
         * @return one (wardId, change) per ward
         */
        public Iterator<Tuple2<String, WardChange>> changes(SurgeLimits limits) {
            List<Tuple2<String, WardChange>> pairs = new ArrayList<>(deltas.size());
            deltas.forEach((ward, delta) -> {
                EventBuckets.Builder arrived = arrivals.get(ward);
                pairs.add(new Tuple2<>(ward, new WardChange(ward, delta,
                        arrived == null ? EventBuckets.empty() : arrived.build(), watermarkMillis,
                        limits.forWard(ward), reading(newestOnTime.get(ward)))));
            });
            return pairs.iterator();
        }

        /** @return the ward's reading: (partition, largest occurredAt) for the partitions that brought it one */
        private ClockReading reading(long[] maxima) {
            int n = 0;
            for (int i = 0; maxima != null && i < maxima.length; i++) {
                n += maxima[i] == Long.MIN_VALUE ? 0 : 1;
            }
            long[] pairs = new long[2 * n];
            int at = 0;
            for (int i = 0; maxima != null && i < maxima.length; i++) {
                if (maxima[i] != Long.MIN_VALUE) {
                    pairs[at++] = i;
                    pairs[at++] = maxima[i];
                }
            }
            return new ClockReading(batchMillis, clockMillis, pairs);
        }
    }
}

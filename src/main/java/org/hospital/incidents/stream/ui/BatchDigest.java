package org.hospital.incidents.stream.ui;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.WardWindow;

/**
 * What one batch's outputs tell the Incidents tab (docs/DESIGN.md "The Incidents tab"), gathered by the tasks that
 * write the batch as they write it, so the tab costs no Spark job of its own: each write task fills one from the
 * records it writes, the driver merges the tasks' digests ({@link #merge}).
 *
 * <p>Holds no patient data: ward-totals and alert lines, window counts, rejection reasons (normalised by
 * {@link RejectionReasons}, never the line) and eventIds of the review queue.
 *
 * <p>Bounded whatever the batch: at most {@value #CRITICAL_KEPT} CRITICAL alerts (the newest by {@code occurredAt}),
 * a ward's windows within {@value #SPARKLINE_MILLIS} ms of its newest, at most {@value RejectionReasons#MAX_REASONS}
 * reasons; ward-totals lines are one per ward changed in the batch.
 */
public final class BatchDigest implements Serializable {

    private static final long serialVersionUID = 1L;

    /** CRITICAL alerts kept per batch: the tab lists the latest {@value}. */
    public static final int CRITICAL_KEPT = 50;

    /** The sparkline's span: a ward's window counts of the last hour of event time. */
    public static final long SPARKLINE_MILLIS = 3_600_000L;

    /** Ward-totals lines, as written. */
    final ArrayList<String> wardTotals = new ArrayList<>();
    /** CRITICAL alert lines, as written, with their occurredAt (epoch millis) in {@link #criticalOccurredAt}. */
    final ArrayList<String> critical = new ArrayList<>();
    long[] criticalOccurredAt = new long[0];
    /** SURGE alert lines, as written. */
    final ArrayList<String> surges = new ArrayList<>();
    /** Ward → its changed windows as (start, end, count) triples, epoch millis. */
    final HashMap<String, long[]> windows = new HashMap<>();
    /** Normalised rejection reason → lines. */
    final HashMap<String, Long> rejected = new HashMap<>();
    /** eventIds queued for a person in the batch (review lines). */
    final ArrayList<String> reviewed = new ArrayList<>();
    /** eventIds re-qualified in the batch. */
    final ArrayList<String> requalified = new ArrayList<>();
    /** Driver time spent merging the tasks' digests, nanoseconds (not sent anywhere). */
    private transient long mergeNanos;

    /**
     * Adds one written line's figure; called by the write task for every record that has one.
     *
     * @param line the line as written (JSON), or null for a figure without a line
     * @param figure the record's typed figure: an {@link Alert}, a {@link WardWindow}, a {@link Figure}, or null
     */
    public void add(String line, Object figure) {
        if (figure instanceof WardWindow window) {
            window(window.wardId(), window.windowStartMillis(), window.windowEndMillis(), window.counts().count());
        } else if (figure instanceof Alert alert) {
            if (alert.type() == Alert.Type.CRITICAL) {
                critical(line, alert.occurredAtMillis());
            } else {
                surges.add(line);
            }
        } else if (figure instanceof Figure fact) {
            switch (fact.kind()) {
                case WARD_TOTAL -> wardTotals.add(line);
                case REJECTED -> {
                    rejected.merge(RejectionReasons.kind(fact.text()), 1L, Long::sum);
                    if (rejected.size() > 2 * RejectionReasons.MAX_REASONS) {
                        RejectionReasons.cap(rejected);
                    }
                }
                case REVIEWED -> reviewed.add(fact.text());
                case REQUALIFIED -> requalified.add(fact.text());
                default -> throw new IllegalArgumentException("figure " + fact.kind());
            }
        }
    }

    /**
     * A record's figure that is not a typed model object.
     *
     * @param kind what it is
     * @param text the rejection reason, or the eventId, or null for a ward-totals line
     */
    public record Figure(Kind kind, String text) implements Serializable {

        private static final long serialVersionUID = 1L;

        /** Kinds of figures. */
        public enum Kind {
            /** A ward-totals line. */
            WARD_TOTAL,
            /** A rejected line: its reason. */
            REJECTED,
            /** A report queued for a person: its eventId. */
            REVIEWED,
            /** A re-qualification applied: its eventId. */
            REQUALIFIED
        }
    }

    private void critical(String line, long occurredAt) {
        int n = critical.size();
        if (n < CRITICAL_KEPT) {
            critical.add(line);
            criticalOccurredAt = java.util.Arrays.copyOf(criticalOccurredAt, n + 1);
            criticalOccurredAt[n] = occurredAt;
            return;
        }
        // Full: replace the oldest kept when this one is newer.
        int oldest = 0;
        for (int i = 1; i < n; i++) {
            if (criticalOccurredAt[i] < criticalOccurredAt[oldest]) {
                oldest = i;
            }
        }
        if (occurredAt > criticalOccurredAt[oldest]) {
            critical.set(oldest, line);
            criticalOccurredAt[oldest] = occurredAt;
        }
    }

    private void window(String wardId, long start, long end, long count) {
        long[] triples = windows.get(wardId);
        if (triples == null) {
            windows.put(wardId, new long[] {start, end, count});
            return;
        }
        // A window may be written once per batch; keep the one hour of event time the sparkline shows.
        long newest = start;
        for (int i = 0; i < triples.length; i += 3) {
            newest = Math.max(newest, triples[i]);
        }
        if (start < newest - SPARKLINE_MILLIS) {
            return;
        }
        long[] grown = java.util.Arrays.copyOf(triples, triples.length + 3);
        grown[triples.length] = start;
        grown[triples.length + 1] = end;
        grown[triples.length + 2] = count;
        windows.put(wardId, prune(grown, newest));
    }

    private static long[] prune(long[] triples, long newest) {
        int kept = 0;
        for (int i = 0; i < triples.length; i += 3) {
            if (triples[i] >= newest - SPARKLINE_MILLIS) {
                kept += 3;
            }
        }
        if (kept == triples.length) {
            return triples;
        }
        long[] pruned = new long[kept];
        int j = 0;
        for (int i = 0; i < triples.length; i += 3) {
            if (triples[i] >= newest - SPARKLINE_MILLIS) {
                System.arraycopy(triples, i, pruned, j, 3);
                j += 3;
            }
        }
        return pruned;
    }

    /**
     * Merges another task's digest into this one (on the driver).
     *
     * @param other a digest of the same batch
     * @return this
     */
    public BatchDigest merge(BatchDigest other) {
        wardTotals.addAll(other.wardTotals);
        for (int i = 0; i < other.critical.size(); i++) {
            critical(other.critical.get(i), other.criticalOccurredAt[i]);
        }
        surges.addAll(other.surges);
        other.windows.forEach((ward, triples) -> {
            for (int i = 0; i < triples.length; i += 3) {
                window(ward, triples[i], triples[i + 1], triples[i + 2]);
            }
        });
        other.rejected.forEach((reason, n) -> rejected.merge(reason, n, Long::sum));
        RejectionReasons.cap(rejected);
        reviewed.addAll(other.reviewed);
        requalified.addAll(other.requalified);
        return this;
    }

    /**
     * @param nanos driver time the merge of this batch's digests took, nanoseconds
     * @return this
     */
    public BatchDigest mergeNanos(long nanos) {
        mergeNanos = nanos;
        return this;
    }

    /** @return driver time the merge of this batch's digests took, nanoseconds */
    public long mergeNanos() {
        return mergeNanos;
    }

    /** @return the ward-totals lines of the batch */
    public List<String> wardTotals() {
        return wardTotals;
    }

    /** @return the batch's CRITICAL alert lines kept, newest {@code occurredAt} first */
    public List<String> criticalNewestFirst() {
        Integer[] order = new Integer[critical.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(criticalOccurredAt[b], criticalOccurredAt[a]));
        List<String> lines = new ArrayList<>(order.length);
        for (Integer i : order) {
            lines.add(critical.get(i));
        }
        return lines;
    }

    /** @return occurredAt of the lines of {@link #criticalNewestFirst}, in the same order */
    public long[] criticalOccurredAtNewestFirst() {
        long[] sorted = criticalOccurredAt.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length / 2; i++) {
            long t = sorted[i];
            sorted[i] = sorted[sorted.length - 1 - i];
            sorted[sorted.length - 1 - i] = t;
        }
        return sorted;
    }

    /** @return the batch's SURGE alert lines */
    public List<String> surges() {
        return surges;
    }

    /** @return ward → (start, end, count) triples of the windows the batch changed */
    public Map<String, long[]> windows() {
        return windows;
    }

    /** @return normalised rejection reason → lines rejected for it in the batch */
    public Map<String, Long> rejected() {
        return rejected;
    }

    /** @return eventIds queued for a person in the batch */
    public List<String> reviewed() {
        return reviewed;
    }

    /** @return eventIds re-qualified in the batch */
    public List<String> requalified() {
        return requalified;
    }
}

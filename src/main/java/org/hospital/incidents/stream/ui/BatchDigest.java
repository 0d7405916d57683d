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
 * a ward's windows of the last window length and one a minute of the hour before its newest, at most
 * {@value RejectionReasons#MAX_REASONS}
 * reasons; ward-totals lines are one per ward changed in the batch.
 */
public final class BatchDigest implements Serializable {

    private static final long serialVersionUID = 1L;

    /** CRITICAL alerts kept per batch: the tab lists the latest {@value}. */
    public static final int CRITICAL_KEPT = 50;

    /** The sparkline's span: a ward's window counts of the last hour of event time. */
    public static final long SPARKLINE_MILLIS = 3_600_000L;

    /** The sparkline's step: one window a minute of the hour (plus every window of the last window length). */
    public static final long SPARKLINE_STEP_MILLIS = 60_000L;

    /** Ward-totals lines, as written. */
    final ArrayList<String> wardTotals = new ArrayList<>();
    /** CRITICAL alert lines, as written, with their occurredAt (epoch millis) in {@link #criticalOccurredAt}. */
    final ArrayList<String> critical = new ArrayList<>();
    long[] criticalOccurredAt = new long[0];
    /** SURGE alert lines, as written. */
    final ArrayList<String> surges = new ArrayList<>();
    /** Ward → its changed windows as (start, end, count) triples, epoch millis (after {@link #compact}). */
    final HashMap<String, long[]> windows = new HashMap<>();
    /** Ward → its windows while the digest is filled (not sent: {@link #compact} moves them to {@link #windows}). */
    private transient HashMap<String, WindowBuffer> filling;
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
        if (filling == null) {
            filling = new HashMap<>();
        }
        WindowBuffer buffer = filling.get(wardId);
        if (buffer == null) {
            buffer = new WindowBuffer(windows.remove(wardId));
            filling.put(wardId, buffer);
        }
        buffer.add(start, end, count);
    }

    /**
     * Ends the filling: each ward's windows pruned to the hour before its newest and stored compactly; call once the
     * task (or the merge) has added everything. Why buffers: a backlog batch changes thousands of windows per ward,
     * and growing an array by one window at a time was quadratic.
     *
     * @return this
     */
    public BatchDigest compact() {
        if (filling != null) {
            filling.forEach((ward, buffer) -> windows.put(ward, buffer.pruned()));
            filling = null;
        }
        return this;
    }

    /** A ward's windows as they are added: amortised growth, its newest start kept, pruned once at the end. */
    private static final class WindowBuffer {
        private long[] triples = new long[48];
        private int size;
        private long newest = Long.MIN_VALUE;

        WindowBuffer(long[] initial) {
            if (initial != null) {
                for (int i = 0; i < initial.length; i += 3) {
                    add(initial[i], initial[i + 1], initial[i + 2]);
                }
            }
        }

        void add(long start, long end, long count) {
            if (size > 0 && start < newest - SPARKLINE_MILLIS) {
                return;
            }
            newest = size == 0 ? start : Math.max(newest, start);
            if (size + 3 > triples.length) {
                triples = java.util.Arrays.copyOf(triples, triples.length * 2);
            }
            triples[size++] = start;
            triples[size++] = end;
            triples[size++] = count;
        }

        /**
         * The windows the tab needs: those within one window length of the newest (the current window and the open
         * bursts), and one a minute of the hour before (the sparkline). A backlog batch changes a window every slide
         * of a day of event time per ward; sending them all cost the driver of a 2-core machine a tenth of a batch.
         */
        long[] pruned() {
            int kept = 0;
            long[] out = new long[size];
            for (int i = 0; i < size; i += 3) {
                long start = triples[i];
                long length = triples[i + 1] - start;
                boolean recent = start >= newest - length;
                boolean sparkline = start >= newest - SPARKLINE_MILLIS && start % SPARKLINE_STEP_MILLIS == 0;
                if (recent || sparkline) {
                    System.arraycopy(triples, i, out, kept, 3);
                    kept += 3;
                }
            }
            return kept == size ? out : java.util.Arrays.copyOf(out, kept);
        }
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
        compact();
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
        List<String> lines = new ArrayList<>(critical.size());
        for (int i : newestFirst()) {
            lines.add(critical.get(i));
        }
        return lines;
    }

    /** @return occurredAt of the lines of {@link #criticalNewestFirst}, in the same order */
    public long[] criticalOccurredAtNewestFirst() {
        int[] order = newestFirst();
        long[] times = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            times[i] = criticalOccurredAt[order[i]];
        }
        return times;
    }

    /** The one order both views take: indexes of the kept CRITICAL alerts, newest {@code occurredAt} first. */
    private int[] newestFirst() {
        return java.util.stream.IntStream.range(0, critical.size()).boxed()
                .sorted((a, b) -> Long.compare(criticalOccurredAt[b], criticalOccurredAt[a]))
                .mapToInt(Integer::intValue).toArray();
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

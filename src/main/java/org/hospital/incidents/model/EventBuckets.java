package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One ward's incidents counted by event-time bucket: the building block of event-time windows (docs/DESIGN.md
 * "Surges in event time").
 *
 * <p>A bucket is {@code [start, start + size)} of {@code occurredAt}, with {@code size} the greatest common divisor
 * of the window length and the slide interval, so every window is a whole number of buckets. Each bucket holds the
 * count and the count per harm level. Immutable; kept as two sorted primitive arrays (bucket starts, and
 * {@value #STRIDE} counts per bucket) so that a ward's few hundred buckets stay a few kilobytes in the checkpoint.
 */
public final class EventBuckets implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Longs per bucket: the count, then one per harm level in {@link HarmLevel#ordinal()} order. */
    static final int STRIDE = 1 + HarmLevel.values().length;

    private static final EventBuckets EMPTY = new EventBuckets(new long[0], new long[0]);

    private final long[] starts;
    private final long[] counts;

    private EventBuckets(long[] starts, long[] counts) {
        this.starts = starts;
        this.counts = counts;
    }

    /** @return no bucket */
    public static EventBuckets empty() {
        return EMPTY;
    }

    /**
     * Collects single reports into buckets (one batch, one ward). Not thread-safe. Appends one long per report
     * (bucket index and harm level) and sorts once at {@link #build}: a backlog puts most reports in buckets of
     * their own, where a sorted map paid a tree insertion per report.
     */
    public static final class Builder {
        private static final int HARM_BITS = 3;
        private final long bucketMillis;
        private long[] reports = new long[16];
        private int size;

        /** @param bucketMillis bucket size, millis (> 0) */
        public Builder(long bucketMillis) {
            if (bucketMillis <= 0) {
                throw new IllegalArgumentException("bucket size must be positive, got " + bucketMillis);
            }
            this.bucketMillis = bucketMillis;
        }

        /**
         * @param occurredAtMillis the report's {@code occurredAt}, epoch millis
         * @param level its harm level
         * @return this builder
         */
        public Builder add(long occurredAtMillis, HarmLevel level) {
            if (size == reports.length) {
                reports = Arrays.copyOf(reports, size * 2);
            }
            reports[size++] = (Math.floorDiv(occurredAtMillis, bucketMillis) << HARM_BITS) | level.ordinal();
            return this;
        }

        /** @return the buckets collected so far */
        public EventBuckets build() {
            if (size == 0) {
                return EMPTY;
            }
            long[] sorted = Arrays.copyOf(reports, size);
            Arrays.sort(sorted);
            long[] starts = new long[size];
            long[] counts = new long[size * STRIDE];
            int n = -1;
            long current = Long.MIN_VALUE;
            for (long report : sorted) {
                long bucket = report >> HARM_BITS;
                if (n < 0 || bucket != current) {
                    n++;
                    current = bucket;
                    starts[n] = bucket * bucketMillis;
                }
                counts[n * STRIDE]++;
                counts[n * STRIDE + 1 + (int) (report & ((1 << HARM_BITS) - 1))]++;
            }
            n++;
            return new EventBuckets(Arrays.copyOf(starts, n), Arrays.copyOf(counts, n * STRIDE));
        }
    }

    /** @return the number of buckets */
    public int size() {
        return starts.length;
    }

    /** @return true when no report is counted */
    public boolean isEmpty() {
        return starts.length == 0;
    }

    /**
     * @param i a bucket index, 0 to {@link #size()} - 1, in ascending start order
     * @return the bucket's start, epoch millis
     */
    public long start(int i) {
        return starts[i];
    }

    /**
     * Merges two sets of buckets of the same size (a linear merge of the sorted arrays).
     *
     * @param other more buckets
     * @return both, with the counts of equal starts added
     */
    public EventBuckets plus(EventBuckets other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        long[] mergedStarts = new long[starts.length + other.starts.length];
        long[] mergedCounts = new long[mergedStarts.length * STRIDE];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < starts.length || j < other.starts.length) {
            boolean fromThis = j == other.starts.length || (i < starts.length && starts[i] <= other.starts[j]);
            long start = fromThis ? starts[i] : other.starts[j];
            if (n > 0 && mergedStarts[n - 1] == start) {
                n--;
            } else {
                mergedStarts[n] = start;
            }
            long[] source = fromThis ? counts : other.counts;
            int at = (fromThis ? i : j) * STRIDE;
            for (int k = 0; k < STRIDE; k++) {
                mergedCounts[n * STRIDE + k] += source[at + k];
            }
            n++;
            if (fromThis) {
                i++;
            } else {
                j++;
            }
        }
        return new EventBuckets(Arrays.copyOf(mergedStarts, n), Arrays.copyOf(mergedCounts, n * STRIDE));
    }

    /**
     * @param fromMillis the first start to keep, epoch millis
     * @return the buckets that start at or after {@code fromMillis} (older ones can no longer change a window)
     */
    public EventBuckets from(long fromMillis) {
        int first = firstAtOrAfter(fromMillis);
        if (first == 0) {
            return this;
        }
        return new EventBuckets(Arrays.copyOfRange(starts, first, starts.length),
                Arrays.copyOfRange(counts, first * STRIDE, counts.length));
    }

    /**
     * @param fromMillis window start, inclusive, epoch millis
     * @param toMillis window end, exclusive, epoch millis
     * @return the incidents of the buckets that start in {@code [fromMillis, toMillis)}
     */
    public WindowCounts sum(long fromMillis, long toMillis) {
        long count = 0;
        long[] harm = new long[HarmLevel.values().length];
        for (int i = firstAtOrAfter(fromMillis); i < starts.length && starts[i] < toMillis; i++) {
            count += counts[i * STRIDE];
            for (int k = 0; k < harm.length; k++) {
                harm[k] += counts[i * STRIDE + 1 + k];
            }
        }
        return WindowCounts.of(count, harm);
    }

    /** @return the incidents of every bucket */
    public long total() {
        long total = 0;
        for (int i = 0; i < starts.length; i++) {
            total += counts[i * STRIDE];
        }
        return total;
    }

    private int firstAtOrAfter(long millis) {
        int at = Arrays.binarySearch(starts, millis);
        return at >= 0 ? at : -at - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventBuckets other && Arrays.equals(starts, other.starts)
                && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(starts) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("EventBuckets[");
        for (int i = 0; i < starts.length; i++) {
            text.append(i == 0 ? "" : ", ").append(starts[i]).append('=').append(counts[i * STRIDE]);
        }
        return text.append(']').toString();
    }
}

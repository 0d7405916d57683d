package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one ward's latest batch says about the stream's event-time clock (docs/DESIGN.md "Surges in event time"): the
 * batch, the clock that batch was judged by, and, for each input partition of the batch (a Kafka topic-partition's
 * offset range; the socket receiver's blocks of the batch, coalesced into one), the largest {@code occurredAt} of
 * the ward's reports counted from it for the first time and on time (a late report cannot move the clock). The clock
 * of the next batch is made from the readings of every ward ({@code EventTimeRule.clock}): per input partition the
 * newest report, then the partition furthest behind.
 *
 * <p>Why per partition: a Kafka backlog is read a fixed number of records per partition and batch
 * ({@code spark.streaming.kafka.maxRatePerPartition}), and partitions hold different shares of the stream (a topic
 * keyed by ward), so one partition's event time runs days ahead of another's. A clock at the newest report over
 * every partition would leave the other partitions' reports behind the watermark: late, in no window, and the surges
 * that happened in them never raised. As in Flink's and Kafka Streams' Kafka sources, the stream's event time is the
 * slowest partition's that still delivers.
 *
 * @param batchMillis the batch time of the ward's latest change, epoch millis; {@link Long#MIN_VALUE} for none
 * @param clockMillis the clock that batch was judged by (largest {@code occurredAt} before it), epoch millis;
 *     {@link Long#MIN_VALUE} before any report
 * @param partitionMaxima (input partition index, largest {@code occurredAt} in epoch millis) pairs, in partition
 *     order, for the partitions that brought the ward a first-counted report in that batch; not changed once made
 */
public record ClockReading(long batchMillis, long clockMillis, long[] partitionMaxima) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** No batch yet. */
    public static final ClockReading NONE = new ClockReading(Long.MIN_VALUE, Long.MIN_VALUE, new long[0]);

    /**
     * @param clockMillis a clock known before any batch (a new checkpoint's seed, {@code StateSeed#clockMillis()})
     * @return a reading that carries only that clock
     */
    public static ClockReading of(long clockMillis) {
        return new ClockReading(Long.MIN_VALUE, clockMillis, new long[0]);
    }

    /**
     * @param other the same ward's reading from another task of the same batch
     * @return both together: each partition's larger maximum; a reading of a later batch wins outright
     */
    public ClockReading plus(ClockReading other) {
        if (other.batchMillis != batchMillis) {
            return other.batchMillis > batchMillis ? other : this;
        }
        long[] merged = new long[partitionMaxima.length + other.partitionMaxima.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < partitionMaxima.length || j < other.partitionMaxima.length) {
            long mine = i < partitionMaxima.length ? partitionMaxima[i] : Long.MAX_VALUE;
            long theirs = j < other.partitionMaxima.length ? other.partitionMaxima[j] : Long.MAX_VALUE;
            if (mine == theirs) {
                merged[n++] = mine;
                merged[n++] = Math.max(partitionMaxima[i + 1], other.partitionMaxima[j + 1]);
                i += 2;
                j += 2;
            } else if (mine < theirs) {
                merged[n++] = mine;
                merged[n++] = partitionMaxima[i + 1];
                i += 2;
            } else {
                merged[n++] = theirs;
                merged[n++] = other.partitionMaxima[j + 1];
                j += 2;
            }
        }
        return new ClockReading(batchMillis, Math.max(clockMillis, other.clockMillis), Arrays.copyOf(merged, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClockReading other && batchMillis == other.batchMillis && clockMillis == other.clockMillis
                && Arrays.equals(partitionMaxima, other.partitionMaxima);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(batchMillis) * 31 + Arrays.hashCode(partitionMaxima);
    }

    @Override
    public String toString() {
        return "ClockReading[batch=" + batchMillis + ", clock=" + clockMillis + ", maxima="
                + Arrays.toString(partitionMaxima) + "]";
    }
}

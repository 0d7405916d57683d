package org.hospital.incidents.pipeline;

import java.io.Serializable;

/**
 * The parameters of the DStream graph, validated by the caller (see {@code Settings}).
 *
 * @param batchSeconds batch interval, seconds (>= 1)
 * @param windowSeconds event-time window length, seconds; a multiple of {@code batchSeconds}
 * @param slideSeconds slide interval, seconds: windows start at its multiples (UTC epoch); at most
 *     {@code windowSeconds}
 * @param surgeThreshold incidents in one ward within one window that raise a SURGE alert (>= 1), for a ward or hour
 *     without a limit learnt from history
 * @param partitions partitions for the per-ward state shuffles (>= 1)
 * @param stateCheckpointSeconds checkpoint interval of the state streams, seconds; a multiple of
 *     {@code batchSeconds}. Spark's guide suggests 5-10 times the stream's slide interval.
 * @param allowedLatenessSeconds how far behind the largest {@code occurredAt} counted a report still counts in its
 *     windows, seconds (>= 0; docs/DESIGN.md "Surges in event time")
 * @param maxFutureSeconds how far after the batch time an {@code occurredAt} may be before the report is rejected,
 *     seconds (>= 0)
 */
public record GraphSettings(int batchSeconds, int windowSeconds, int slideSeconds, long surgeThreshold,
        int partitions, int stateCheckpointSeconds, int allowedLatenessSeconds, int maxFutureSeconds)
        implements Serializable {

    private static final long serialVersionUID = 1L;
}

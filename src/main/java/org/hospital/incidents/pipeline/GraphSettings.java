package org.hospital.incidents.pipeline;

import java.io.Serializable;

/**
 * The parameters of the DStream graph, validated by the caller (see {@code Settings}).
 *
 * @param batchSeconds batch interval, seconds (>= 1)
 * @param windowSeconds sliding window length, seconds; a multiple of {@code batchSeconds}
 * @param slideSeconds slide interval, seconds; a multiple of {@code batchSeconds}, at most {@code windowSeconds}
 * @param surgeThreshold incidents in one ward within one window that raise a SURGE alert (>= 1)
 * @param partitions partitions for the per-ward state and window shuffles (>= 1)
 * @param stateCheckpointSeconds checkpoint interval of the running-state stream, seconds; a multiple of
 *     {@code batchSeconds}. Spark's guide suggests 5-10 times the stream's slide interval.
 * @param windowCheckpointSeconds checkpoint interval of the windowed stream, seconds; a multiple of
 *     {@code slideSeconds}
 */
public record GraphSettings(int batchSeconds, int windowSeconds, int slideSeconds, long surgeThreshold,
        int partitions, int stateCheckpointSeconds, int windowCheckpointSeconds) implements Serializable {

    private static final long serialVersionUID = 1L;
}

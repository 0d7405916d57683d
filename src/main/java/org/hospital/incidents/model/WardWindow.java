package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One {@code ward-windows} output line: a ward's incidents in the sliding window ending at a batch.
 *
 * <p>The window covers batch times in {@code (windowStart, windowEnd]}: Spark's window of length L ending at
 * batch time T holds the batches with times T - L + batchInterval, ..., T.
 *
 * @param wardId the ward
 * @param windowStartMillis window end minus window length, epoch millis
 * @param windowEndMillis batch time the window ends at, epoch millis
 * @param counts incidents in the window, by harm level
 */
public record WardWindow(String wardId, long windowStartMillis, long windowEndMillis, WindowCounts counts)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}

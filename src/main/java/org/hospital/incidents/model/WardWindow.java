package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One {@code ward-windows} output line: a ward's incidents in one event-time window, written in a batch that changed
 * the window's count (docs/DESIGN.md "Surges in event time").
 *
 * <p>The window covers {@code occurredAt} in {@code [windowStart, windowEnd)}; {@code windowStart} is a multiple of
 * the slide interval (UTC epoch), {@code windowEnd - windowStart} the window length.
 *
 * @param wardId the ward
 * @param windowStartMillis window start, epoch millis, inclusive
 * @param windowEndMillis window end, epoch millis, exclusive
 * @param counts incidents in the window, by harm level
 */
public record WardWindow(String wardId, long windowStartMillis, long windowEndMillis, WindowCounts counts)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}

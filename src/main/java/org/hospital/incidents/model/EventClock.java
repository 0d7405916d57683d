package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * The stream's event-time clock, kept by {@code updateStateByKey} under one key (docs/DESIGN.md "Surges in event
 * time"): the largest {@code occurredAt} of the reports counted before this batch, and including it.
 *
 * <p>A batch is judged against the clock as it stood before the batch ({@link #before()}), as Structured
 * Streaming does with its watermark: a recomputed batch decides alike, and a backlog that arrives in one batch is
 * windowed in full, not declared late against its own newest report.
 *
 * @param before largest {@code occurredAt} counted in earlier batches, epoch millis; {@link Long#MIN_VALUE} if none
 * @param after largest {@code occurredAt} counted up to and including this batch, epoch millis
 */
public record EventClock(long before, long after) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The clock before any report. */
    public static final EventClock START = new EventClock(Long.MIN_VALUE, Long.MIN_VALUE);

    /**
     * @param batchMax largest {@code occurredAt} counted in the batch, or {@link Long#MIN_VALUE}
     * @return the clock after that batch
     */
    public EventClock advance(long batchMax) {
        return new EventClock(after, Math.max(after, batchMax));
    }

    /**
     * @param latenessMillis {@code allowed-lateness-seconds} in millis
     * @return the watermark for the batch: {@link #before()} minus the allowed lateness; a report older than it is
     *     late. {@link Long#MIN_VALUE} before any report.
     */
    public long watermark(long latenessMillis) {
        return before == Long.MIN_VALUE ? Long.MIN_VALUE : before - latenessMillis;
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ward's state, kept by {@code updateStateByKey}: its running counts since the stream began, its on-time
 * reports by event-time bucket (only the buckets a report within the allowed lateness can still change), the
 * start of each event-time window that raised a SURGE and may still overlap an open window, and what the last
 * batch changed (the counts' changed flag, the windows whose count changed, the surges raised). Not changed once
 * made (the lists are {@link ArrayList}s only because Kryo, which checkpoints the state, handles them).
 *
 * @param totals running counts; {@link WardState#changedInBatch()} when the last batch changed them
 * @param buckets on-time reports by event-time bucket
 * @param alerted the bursts: (first, last) window start of each run of overlapping windows at or above the limit,
 *     epoch millis, pairs in ascending order
 * @param windows the ward's windows whose count the last batch changed ({@code ward-windows} lines)
 * @param surges the SURGEs the last batch raised
 * @param lateInBatch reports of the last batch behind the watermark
 * @param clock what the ward's latest batch says about the stream's event-time clock ({@link ClockReading}): over
 *     every ward, before a batch, it gives the clock the batch is judged by (docs/DESIGN.md "Surges in event time")
 */
public record WardStatus(WardState totals, EventBuckets buckets, long[] alerted, List<WardWindow> windows,
        List<SurgeWindow> surges, long lateInBatch, ClockReading clock) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param totals where the ward's counts start (zero, or its seed)
     * @return a ward with those counts and no window yet
     */
    public static WardStatus of(WardState totals) {
        return new WardStatus(totals.withChanged(false), EventBuckets.empty(), new long[0], new ArrayList<>(0),
                new ArrayList<>(0), 0, ClockReading.NONE);
    }

    /** @return the same ward after a batch that brought nothing for it */
    public WardStatus quiet() {
        if (!totals.changedInBatch() && windows.isEmpty() && surges.isEmpty() && lateInBatch == 0) {
            return this;
        }
        return new WardStatus(totals.withChanged(false), buckets, alerted, new ArrayList<>(0), new ArrayList<>(0), 0,
                clock);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WardStatus other && totals.equals(other.totals) && buckets.equals(other.buckets)
                && Arrays.equals(alerted, other.alerted) && windows.equals(other.windows)
                && surges.equals(other.surges) && lateInBatch == other.lateInBatch
                && clock.equals(other.clock);
    }

    @Override
    public int hashCode() {
        return totals.hashCode() * 31 + buckets.hashCode();
    }

    @Override
    public String toString() {
        return "WardStatus[totals=" + totals + ", buckets=" + buckets + ", alerted=" + Arrays.toString(alerted)
                + ", windows=" + windows + ", surges=" + surges + ", late=" + lateInBatch + ", clock="
                + clock + "]";
    }
}

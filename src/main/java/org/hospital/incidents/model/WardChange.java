package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One ward's changes within a batch, the value its {@code updateStateByKey} receives: the change to its running
 * counts (reports counted, late reports, amendments moving counts in or out, re-qualifications), the reports that
 * arrived on time by event-time bucket (first sightings only: windows ignore amendments and re-qualifications,
 * docs/DESIGN.md), the batch's watermark and the ward's SURGE limits. The ward id is repeated because Spark's Java
 * {@code updateStateByKey} does not pass the key, and a ward new to the checkpoint starts from its seed.
 *
 * @param wardId the ward
 * @param delta the change to the ward's running counts
 * @param arrived reports counted for the first time and not late, by event-time bucket
 * @param watermarkMillis the batch's event-time watermark, epoch millis ({@link Long#MIN_VALUE} before any report)
 * @param limits the ward's SURGE limits for this run, or null on a change that carries none
 * @param clock the batch, its clock, and the largest {@code occurredAt} of the ward's reports counted for the first
 *     time in the batch and on time, per input partition: what the next batch's clock is made from
 *     ({@link ClockReading}); {@link ClockReading#NONE} on a change that carries none
 */
public record WardChange(String wardId, WardState delta, EventBuckets arrived, long watermarkMillis,
        WardLimits limits, ClockReading clock) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param wardId the ward
     * @param delta a change to its running counts with no arrival for the windows
     * @return the change
     */
    public static WardChange of(String wardId, WardState delta) {
        return new WardChange(wardId, delta, EventBuckets.empty(), Long.MIN_VALUE, null, ClockReading.NONE);
    }

    /**
     * @param other another change of the same ward in the same batch
     * @return both together
     */
    public WardChange plus(WardChange other) {
        return new WardChange(wardId, delta.plus(other.delta), arrived.plus(other.arrived),
                Math.max(watermarkMillis, other.watermarkMillis), limits != null ? limits : other.limits,
                clock.plus(other.clock));
    }
}

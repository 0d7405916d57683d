package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One ward's changes within a batch, the value {@code updateStateByKey} and the window receive: the change to its
 * running counts (reports counted, amendments moving counts in or out, re-qualifications), and the reports that
 * arrived (first sightings only: windows ignore amendments and re-qualifications, docs/DESIGN.md). The ward id is
 * repeated because Spark's Java {@code updateStateByKey} does not pass the key, and a ward new to the checkpoint
 * starts from its seed.
 *
 * @param wardId the ward
 * @param delta the change to the ward's running state
 * @param arrived the reports counted for the first time (total and harm levels), for the window
 */
public record WardChange(String wardId, WardState delta, WardState arrived) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param other another change of the same ward
     * @return both together
     */
    public WardChange plus(WardChange other) {
        return new WardChange(wardId, delta.plus(other.delta), arrived.plus(other.arrived));
    }
}

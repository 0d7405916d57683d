package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One change to a ward's running state within a batch, the value {@code updateStateByKey} receives: either the
 * batch's counts of counted reports, or one re-qualification. The ward id is repeated because Spark's Java
 * {@code updateStateByKey} does not pass the key, and a ward new to the checkpoint starts from its seed.
 *
 * @param wardId the ward
 * @param counts the batch's counts for the ward, or null
 * @param requalification a re-qualification for the ward, or null
 */
public record WardChange(String wardId, WardState counts, Requalification requalification) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param wardId the ward
     * @param counts its counts in the batch
     * @return the change
     */
    public static WardChange counts(String wardId, WardState counts) {
        return new WardChange(wardId, counts, null);
    }

    /**
     * @param requalification a re-qualification
     * @return the change, for the re-qualification's ward
     */
    public static WardChange requalification(Requalification requalification) {
        return new WardChange(requalification.wardId(), null, requalification);
    }
}

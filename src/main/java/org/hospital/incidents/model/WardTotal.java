package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One {@code ward-totals} output line: a ward's running state as of a batch.
 *
 * @param wardId the ward
 * @param state its running counts since the first batch
 * @param batchTime batch time, epoch millis
 */
public record WardTotal(String wardId, WardState state, long batchTime) implements Serializable {
    private static final long serialVersionUID = 1L;
}

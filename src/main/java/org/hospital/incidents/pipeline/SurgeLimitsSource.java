package org.hospital.incidents.pipeline;

import java.io.Serializable;
import org.hospital.incidents.model.SurgeLimits;

/**
 * Where the graph gets the wards' SURGE limits, asked on the driver at every batch (docs/DESIGN.md "Surges in event
 * time, against each ward's own limit": the limits file is read at each start). Written to the checkpoint with the
 * graph, so an implementation holds where the limits are, not the limits: after a restart from the checkpoint the
 * new driver reads the file again.
 */
@FunctionalInterface
public interface SurgeLimitsSource extends Serializable {

    /** @return the limits for this run; the same object on every call of one driver, cheap */
    SurgeLimits limits();

    /**
     * @param settings the graph's settings
     * @return a source with no history: every ward's limit is {@code --surge-threshold}
     */
    static SurgeLimitsSource threshold(GraphSettings settings) {
        int window = settings.windowSeconds();
        long threshold = settings.surgeThreshold();
        return () -> SurgeLimits.threshold(window, threshold);
    }
}

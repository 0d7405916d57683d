package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.Map;

/**
 * Every ward's SURGE limits for one run of the stream (docs/DESIGN.md "Surges in event time, against each ward's
 * own limit"): the wards of {@code --surge-limits} with their limits learnt from history, every other ward the
 * global {@code --surge-threshold}.
 *
 * @param windowSeconds the window length the limits were computed for (must equal {@code --window-seconds})
 * @param byWard ward id to its limits
 * @param fallback the limits of a ward without history: the threshold
 */
public record SurgeLimits(int windowSeconds, Map<String, WardLimits> byWard, WardLimits fallback)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param windowSeconds the window length
     * @param threshold the global {@code --surge-threshold}
     * @return limits with no history: the threshold for every ward
     */
    public static SurgeLimits threshold(int windowSeconds, long threshold) {
        return new SurgeLimits(windowSeconds, Map.of(), WardLimits.threshold(threshold));
    }

    /**
     * @param wardId a ward
     * @return its limits
     */
    public WardLimits forWard(String wardId) {
        return byWard.getOrDefault(wardId, fallback);
    }
}

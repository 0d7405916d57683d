package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Incident count and harm-level breakdown for one ward within one event-time window (a sum of
 * {@link EventBuckets}). Forms a group under {@link #plus} and {@link #minus}.
 */
public final class WindowCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long count;
    private final long[] byHarmLevel;

    private WindowCounts(long count, long[] byHarmLevel) {
        this.count = count;
        this.byHarmLevel = byHarmLevel;
    }

    /**
     * @param level harm level of one incident
     * @return counts for that single incident
     */
    public static WindowCounts of(HarmLevel level) {
        long[] harm = new long[HarmLevel.values().length];
        harm[level.ordinal()] = 1;
        return new WindowCounts(1, harm);
    }

    /**
     * @param count incidents
     * @param byHarmLevel incidents indexed by {@link HarmLevel#ordinal()}; copied
     * @return the counts
     */
    public static WindowCounts of(long count, long[] byHarmLevel) {
        return new WindowCounts(count, byHarmLevel.clone());
    }

    /**
     * @param other counts to add
     * @return element-wise sum
     */
    public WindowCounts plus(WindowCounts other) {
        long[] harm = byHarmLevel.clone();
        for (int i = 0; i < harm.length; i++) {
            harm[i] += other.byHarmLevel[i];
        }
        return new WindowCounts(count + other.count, harm);
    }

    /**
     * @param other counts of the batches leaving the window
     * @return element-wise difference
     */
    public WindowCounts minus(WindowCounts other) {
        long[] harm = byHarmLevel.clone();
        for (int i = 0; i < harm.length; i++) {
            harm[i] -= other.byHarmLevel[i];
        }
        return new WindowCounts(count - other.count, harm);
    }

    /** @return incidents in the window */
    public long count() {
        return count;
    }

    /**
     * @param level a harm level
     * @return incidents of that level in the window
     */
    public long count(HarmLevel level) {
        return byHarmLevel[level.ordinal()];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowCounts other && count == other.count
                && Arrays.equals(byHarmLevel, other.byHarmLevel);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(count) + Arrays.hashCode(byHarmLevel);
    }

    @Override
    public String toString() {
        return "WindowCounts[count=" + count + ", byHarmLevel=" + Arrays.toString(byHarmLevel) + "]";
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Running counts for one ward since the stream began: the state kept by {@code updateStateByKey}.
 *
 * <p>Immutable. Counts are indexed by {@link HarmLevel#ordinal()} and {@link EventCategory#ordinal()}, which
 * keeps the state small in the checkpoint. {@link #changedInBatch()} is true when the batch that produced this
 * value carried at least one incident for the ward; only such wards are written to {@code ward-totals}.
 */
public final class WardState implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long total;
    private final long[] byHarmLevel;
    private final long[] byCategory;
    private final long lastOccurredAtMillis;
    private final boolean changedInBatch;
    private final long requalified;

    private WardState(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            boolean changedInBatch) {
        this(total, byHarmLevel, byCategory, lastOccurredAtMillis, changedInBatch, 0);
    }

    private WardState(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            boolean changedInBatch, long requalified) {
        this.total = total;
        this.byHarmLevel = byHarmLevel;
        this.byCategory = byCategory;
        this.lastOccurredAtMillis = lastOccurredAtMillis;
        this.changedInBatch = changedInBatch;
        this.requalified = requalified;
    }

    /** @return the state of a ward that has seen no incident yet */
    public static WardState empty() {
        return new WardState(0, new long[HarmLevel.values().length], new long[EventCategory.values().length],
                Long.MIN_VALUE, false);
    }

    /**
     * @param incident one accepted incident
     * @return a state counting just that incident, marked changed
     */
    public static WardState of(Incident incident) {
        return one(incident.harmLevel(), incident.category(), incident.occurredAt().toEpochMilli());
    }

    /**
     * @param candidate one accepted report that counts (not a duplicate)
     * @return a state counting just that report, marked changed
     */
    public static WardState of(Candidate candidate) {
        return one(candidate.harmLevel(), candidate.category(), candidate.occurredAt().toEpochMilli());
    }

    /** The state of exactly one report, marked changed. */
    private static WardState one(HarmLevel level, EventCategory category, long occurredAtMillis) {
        long[] harm = new long[HarmLevel.values().length];
        long[] categories = new long[EventCategory.values().length];
        harm[level.ordinal()] = 1;
        categories[category.ordinal()] = 1;
        return new WardState(1, harm, categories, occurredAtMillis, true);
    }

    /**
     * A state read back from a {@code ward-totals} line (seeding a new checkpoint, DESIGN.md "Restarts and
     * upgrades"), marked unchanged.
     *
     * @param total the ward's running total
     * @param byHarmLevel counts indexed by {@link HarmLevel#ordinal()}; copied
     * @param byCategory counts indexed by {@link EventCategory#ordinal()}; copied
     * @param lastOccurredAtMillis latest {@code occurredAt}, epoch millis
     * @param requalified the ward's running count of re-qualified reports
     * @return the state
     * @throws IllegalArgumentException when an array has the wrong length
     */
    public static WardState restored(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            long requalified) {
        if (byHarmLevel.length != HarmLevel.values().length || byCategory.length != EventCategory.values().length) {
            throw new IllegalArgumentException("one count per harm level and per category expected");
        }
        return new WardState(total, byHarmLevel.clone(), byCategory.clone(), lastOccurredAtMillis, false,
                requalified);
    }

    /**
     * Moves one report from {@code unclassified} to {@code category} (DESIGN.md "Human re-qualification"): total and
     * harm levels unchanged, {@link #requalified()} one more, marked changed.
     *
     * @param category the category decided, not {@link EventCategory#UNCLASSIFIED}
     * @return the new state
     * @throws IllegalStateException when the ward has no unclassified report
     */
    public WardState requalify(EventCategory category) {
        if (byCategory[EventCategory.UNCLASSIFIED.ordinal()] <= 0 || category == EventCategory.UNCLASSIFIED) {
            throw new IllegalStateException("nothing to requalify to " + category.code());
        }
        long[] categories = byCategory.clone();
        categories[EventCategory.UNCLASSIFIED.ordinal()]--;
        categories[category.ordinal()]++;
        return new WardState(total, byHarmLevel, categories, lastOccurredAtMillis, true, requalified + 1);
    }

    /** @return the ward's running count of re-qualified reports */
    public long requalified() {
        return requalified;
    }

    /**
     * Adds another ward state's counts (sums counts, keeps the later {@code lastOccurredAt}).
     *
     * @param other counts to add
     * @return the sum, marked changed if either side is
     */
    public WardState plus(WardState other) {
        long[] harm = byHarmLevel.clone();
        long[] category = byCategory.clone();
        for (int i = 0; i < harm.length; i++) {
            harm[i] += other.byHarmLevel[i];
        }
        for (int i = 0; i < category.length; i++) {
            category[i] += other.byCategory[i];
        }
        return new WardState(total + other.total, harm, category,
                Math.max(lastOccurredAtMillis, other.lastOccurredAtMillis), changedInBatch || other.changedInBatch,
                requalified + other.requalified);
    }

    /**
     * @param changed the new flag
     * @return the same counts with {@link #changedInBatch()} set to {@code changed}
     */
    public WardState withChanged(boolean changed) {
        return changed == changedInBatch ? this
                : new WardState(total, byHarmLevel, byCategory, lastOccurredAtMillis, changed, requalified);
    }

    /** @return accepted incidents for the ward since the first batch */
    public long total() {
        return total;
    }

    /**
     * @param level a harm level
     * @return incidents of that harm level
     */
    public long count(HarmLevel level) {
        return byHarmLevel[level.ordinal()];
    }

    /**
     * @param category an event category
     * @return incidents of that category
     */
    public long count(EventCategory category) {
        return byCategory[category.ordinal()];
    }

    /** @return latest {@code occurredAt} seen, epoch millis, or {@link Long#MIN_VALUE} for an empty state */
    public long lastOccurredAtMillis() {
        return lastOccurredAtMillis;
    }

    /** @return true when the batch that produced this state had incidents for the ward */
    public boolean changedInBatch() {
        return changedInBatch;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WardState other)) {
            return false;
        }
        return total == other.total && lastOccurredAtMillis == other.lastOccurredAtMillis
                && requalified == other.requalified
                && changedInBatch == other.changedInBatch && Arrays.equals(byHarmLevel, other.byHarmLevel)
                && Arrays.equals(byCategory, other.byCategory);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(total) + Arrays.hashCode(byHarmLevel) + 17 * Arrays.hashCode(byCategory);
    }

    @Override
    public String toString() {
        return "WardState[total=" + total + ", byHarmLevel=" + Arrays.toString(byHarmLevel) + ", byCategory="
                + Arrays.toString(byCategory) + ", requalified=" + requalified + ", lastOccurredAtMillis="
                + lastOccurredAtMillis + ", changed="
                + changedInBatch + "]";
    }
}

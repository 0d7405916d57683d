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
    private final long amended;
    private final long late;

    private WardState(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            boolean changedInBatch) {
        this(total, byHarmLevel, byCategory, lastOccurredAtMillis, changedInBatch, 0, 0, 0);
    }

    private WardState(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            boolean changedInBatch, long requalified, long amended, long late) {
        this.late = late;
        this.total = total;
        this.byHarmLevel = byHarmLevel;
        this.byCategory = byCategory;
        this.lastOccurredAtMillis = lastOccurredAtMillis;
        this.changedInBatch = changedInBatch;
        this.requalified = requalified;
        this.amended = amended;
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
     * @param entry the ledger's entry of a report that counts
     * @return a state counting just that report, marked changed
     */
    public static WardState of(LedgerEntry entry) {
        return one(entry.harmLevel(), entry.category(), entry.occurredAtMillis());
    }

    /**
     * A change to a ward's counts that is not one more report (docs/DESIGN.md "The incident ledger"): an amendment
     * moving a report between harm levels, categories or wards, or a re-qualification. Marked changed.
     *
     * @param total added to the total: -1 for the ward a report leaves, +1 for the ward it enters, else 0
     * @param harmOut harm level that loses one, or null
     * @param harmIn harm level that gains one, or null
     * @param categoryOut category that loses one, or null
     * @param categoryIn category that gains one, or null
     * @param occurredAtMillis {@code occurredAt} of a report entering the ward, or {@link Long#MIN_VALUE}
     * @param requalified re-qualifications applied (0 or 1)
     * @param amended amendments applied in the ward (0 or 1)
     * @return the change
     */
    public static WardState change(long total, HarmLevel harmOut, HarmLevel harmIn, EventCategory categoryOut,
            EventCategory categoryIn, long occurredAtMillis, long requalified, long amended) {
        long[] harm = new long[HarmLevel.values().length];
        long[] categories = new long[EventCategory.values().length];
        if (harmOut != null) {
            harm[harmOut.ordinal()]--;
        }
        if (harmIn != null) {
            harm[harmIn.ordinal()]++;
        }
        if (categoryOut != null) {
            categories[categoryOut.ordinal()]--;
        }
        if (categoryIn != null) {
            categories[categoryIn.ordinal()]++;
        }
        return new WardState(total, harm, categories, occurredAtMillis, true, requalified, amended, 0);
    }

    /**
     * Reports that arrived behind the event-time watermark (docs/DESIGN.md "Surges in event time"): counted in the
     * totals by their own change, and only counted here as late. Marked changed.
     *
     * @param reports late reports (>= 1)
     * @return a state holding only {@code late = reports}
     */
    public static WardState late(long reports) {
        return new WardState(0, new long[HarmLevel.values().length], new long[EventCategory.values().length],
                Long.MIN_VALUE, true, 0, 0, reports);
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
     * @param amended the ward's running count of amendments applied
     * @param late the ward's running count of reports that arrived behind the watermark
     * @return the state
     * @throws IllegalArgumentException when an array has the wrong length
     */
    public static WardState restored(long total, long[] byHarmLevel, long[] byCategory, long lastOccurredAtMillis,
            long requalified, long amended, long late) {
        if (byHarmLevel.length != HarmLevel.values().length || byCategory.length != EventCategory.values().length) {
            throw new IllegalArgumentException("one count per harm level and per category expected");
        }
        return new WardState(total, byHarmLevel.clone(), byCategory.clone(), lastOccurredAtMillis, false,
                requalified, amended, late);
    }

    /** @return the ward's running count of re-qualified reports */
    public long requalified() {
        return requalified;
    }

    /** @return the ward's running count of amendments applied (docs/DESIGN.md "The incident ledger") */
    public long amended() {
        return amended;
    }

    /**
     * @return the ward's running count of reports that arrived behind the event-time watermark: in the totals, in no
     *     window (docs/DESIGN.md "Surges in event time")
     */
    public long late() {
        return late;
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
                requalified + other.requalified, amended + other.amended, late + other.late);
    }

    /**
     * @param changed the new flag
     * @return the same counts with {@link #changedInBatch()} set to {@code changed}
     */
    public WardState withChanged(boolean changed) {
        return changed == changedInBatch ? this
                : new WardState(total, byHarmLevel, byCategory, lastOccurredAtMillis, changed, requalified, amended,
                        late);
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
                && requalified == other.requalified && amended == other.amended && late == other.late
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
                + Arrays.toString(byCategory) + ", requalified=" + requalified + ", amended=" + amended
                + ", late=" + late
                + ", lastOccurredAtMillis="
                + lastOccurredAtMillis + ", changed="
                + changedInBatch + "]";
    }
}

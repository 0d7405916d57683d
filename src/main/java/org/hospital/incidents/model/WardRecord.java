package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A ward's running state, kept by {@code updateStateByKey}: its totals ({@link WardState}), the eventIds
 * re-qualified in it so far (so a re-qualification applies once; they grow with re-qualifications only, never with
 * all reports, DESIGN.md "Human re-qualification"), and what the last batch did with re-qualifications.
 *
 * <p>Immutable. The eventIds are a sorted array (compact in the checkpoint, binary search to look up), copied only
 * when a re-qualification is applied. Plain arrays and {@code ArrayList}s, not {@code List.of}: Kryo writes the
 * state when it is checkpointed and cannot rebuild the JDK's immutable collections.
 */
public final class WardRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String[] NONE = new String[0];

    private final WardState totals;
    private final String[] requalifiedIds;
    private final ArrayList<Requalification> applied;
    private final ArrayList<Refusal> refused;

    /**
     * A re-qualification that did not apply.
     *
     * @param requalification the decision
     * @param reason why, e.g. {@code no unclassified report to requalify in ward ICU-2}
     */
    public record Refusal(Requalification requalification, String reason) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private WardRecord(WardState totals, String[] requalifiedIds, ArrayList<Requalification> applied,
            ArrayList<Refusal> refused) {
        this.totals = totals;
        this.requalifiedIds = requalifiedIds;
        this.applied = applied;
        this.refused = refused;
    }

    /** @return a ward with no report yet */
    public static WardRecord empty() {
        return new WardRecord(WardState.empty(), NONE, new ArrayList<>(), new ArrayList<>());
    }

    /**
     * @param totals running totals read back from a {@code ward-totals} line
     * @param requalifiedIds eventIds read back from the {@code requalifications} output
     * @return the record a new checkpoint starts the ward from, unchanged
     */
    public static WardRecord seeded(WardState totals, Collection<String> requalifiedIds) {
        String[] ids = requalifiedIds.stream().distinct().sorted().toArray(String[]::new);
        return new WardRecord(totals.withChanged(false), ids, new ArrayList<>(), new ArrayList<>());
    }

    /** @return the ward's running totals; {@link WardState#changedInBatch()}: did the last batch change them */
    public WardState totals() {
        return totals;
    }

    /** @return re-qualifications applied in the last batch, in eventId order */
    public List<Requalification> applied() {
        return applied;
    }

    /** @return re-qualifications refused in the last batch, with reasons */
    public List<Refusal> refused() {
        return refused;
    }

    /**
     * @param eventId an eventId
     * @return true when a re-qualification of it was applied in this ward
     */
    public boolean isRequalified(String eventId) {
        return Arrays.binarySearch(requalifiedIds, eventId) >= 0;
    }

    /** @return how many eventIds were re-qualified in this ward */
    public int requalifiedIdCount() {
        return requalifiedIds.length;
    }

    /** @return the same ward at the start of a new batch: unchanged, nothing applied or refused yet */
    public WardRecord nextBatch() {
        return applied.isEmpty() && refused.isEmpty() && !totals.changedInBatch() ? this
                : new WardRecord(totals.withChanged(false), requalifiedIds, new ArrayList<>(), new ArrayList<>());
    }

    /**
     * Applies one batch's changes: counts first, then re-qualifications in eventId order (so that a recomputed
     * batch decides the same way whatever order the shuffle delivered them in). A re-qualification is refused when
     * its eventId was already re-qualified here ("changes nothing the second time") or when the ward has no
     * unclassified report left (DESIGN.md).
     *
     * @param changes the batch's changes for this ward
     * @return the new record
     */
    public WardRecord apply(List<WardChange> changes) {
        WardState state = totals;
        List<Requalification> requalifications = new ArrayList<>();
        for (WardChange change : changes) {
            if (change.counts() != null) {
                state = state.plus(change.counts());
            } else {
                requalifications.add(change.requalification());
            }
        }
        if (requalifications.isEmpty()) {
            return new WardRecord(state, requalifiedIds, new ArrayList<>(), new ArrayList<>());
        }
        requalifications.sort(Comparator.comparing(Requalification::eventId)
                .thenComparing(r -> r.toCategory().code()).thenComparing(Requalification::source));
        List<String> added = new ArrayList<>();
        ArrayList<Requalification> done = new ArrayList<>();
        ArrayList<Refusal> refusals = new ArrayList<>();
        for (Requalification requalification : requalifications) {
            if (isRequalified(requalification.eventId()) || added.contains(requalification.eventId())) {
                refusals.add(new Refusal(requalification, "eventId " + requalification.eventId()
                        + " already requalified"));
            } else if (state.count(EventCategory.UNCLASSIFIED) <= 0) {
                refusals.add(new Refusal(requalification, "no unclassified report to requalify in ward "
                        + requalification.wardId()));
            } else {
                state = state.requalify(requalification.toCategory());
                added.add(requalification.eventId());
                done.add(requalification);
            }
        }
        String[] ids = requalifiedIds;
        if (!added.isEmpty()) {
            ids = Arrays.copyOf(requalifiedIds, requalifiedIds.length + added.size());
            for (int i = 0; i < added.size(); i++) {
                ids[requalifiedIds.length + i] = added.get(i);
            }
            Arrays.sort(ids);
        }
        return new WardRecord(state, ids, done, refusals);
    }
}

package org.hospital.incidents.ledger;

import java.util.Comparator;
import java.util.List;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.Verdict;

/**
 * The incident ledger's rule (docs/DESIGN.md "The incident ledger"), a pure function over plain values shared by the
 * stream ({@code LedgerUpdate}, inside {@code updateStateByKey}), the seed of a new checkpoint and
 * {@code bin/incident-analytics}, so that all three agree on which version of an incident counts and whether a
 * re-qualification applies.
 *
 * <ul>
 *   <li>A report whose eventId the ledger does not remember (never seen, or first seen a horizon or more before the
 *       batch) is counted ({@link Verdict.Kind#COUNTED}).
 *   <li>The same eventId with {@code updatedAt} absent or not later than the counted version's is a duplicate.
 *   <li>A later {@code updatedAt} is an amendment: the version is replaced; a re-qualified category stays the
 *       person's choice unless the amendment brings a classified one.
 *   <li>A re-qualification applies only to a remembered eventId, in that ward, not re-qualified yet, whose current
 *       category is {@code unclassified}; otherwise it is refused with one of four reasons.
 * </ul>
 */
public final class LedgerRule {

    private LedgerRule() {
    }

    /**
     * The order in which one eventId's lines of one batch are applied, so that a recomputed batch decides the same
     * way whatever order the shuffle delivered them in: report versions by {@code updatedAt} (absent first), then
     * re-qualifications; ties by slice partition and position (arrival order within a source).
     */
    public static final Comparator<Candidate> BATCH_ORDER = Comparator
            .comparing(Candidate::isRequalification)
            .thenComparingLong(Candidate::updatedAtMillis)
            .thenComparingInt(Candidate::partition)
            .thenComparingInt(Candidate::position);

    /**
     * The ledger's entry after a line and the verdict on it.
     *
     * @param entry the entry to remember (the previous one when nothing changed; null when there was none and
     *     nothing is added)
     * @param verdict what happened to the line
     */
    public record Step(LedgerEntry entry, Verdict verdict) {
    }

    /**
     * Applies one line to one eventId's entry.
     *
     * @param current the entry remembered for the eventId, or null
     * @param line the line's compact form
     * @param batchTimeMillis the line's batch time, epoch millis
     * @param horizonMillis how long an eventId is remembered after its first sighting, millis ({@code
     *     dedup-horizon-hours}); {@link Long#MAX_VALUE} for ever
     * @return the new entry and the verdict
     */
    public static Step apply(LedgerEntry current, Candidate line, long batchTimeMillis, long horizonMillis) {
        LedgerEntry known = current != null && batchTimeMillis - current.firstSeenBatchTime() < horizonMillis
                ? current : null;
        String id = line.eventId();
        if (line.isRequalification()) {
            String refusal = known == null ? "eventId " + id + " is unknown to the ledger"
                    : !known.wardId().equals(line.wardId()) ? "eventId " + id + " is in ward " + known.wardId()
                    : known.requalified() ? "eventId " + id + " already requalified"
                    : known.category() != EventCategory.UNCLASSIFIED
                            ? "eventId " + id + " is already classified as " + known.category().code()
                    : null;
            if (refusal != null) {
                return new Step(current, verdict(Verdict.Kind.REFUSED, line, known, known, refusal));
            }
            LedgerEntry after = known.withCategory(line.category(), true);
            return new Step(after, verdict(Verdict.Kind.REQUALIFIED, line, known, after, null));
        }
        if (known == null) {
            LedgerEntry entry = line.entry(batchTimeMillis, false);
            return new Step(entry, verdict(Verdict.Kind.COUNTED, line, null, entry, null));
        }
        if (line.updatedAtMillis() == Candidate.NO_TIME || line.updatedAtMillis() <= known.updatedAtMillis()) {
            return new Step(current, verdict(Verdict.Kind.DUPLICATE, line, known, known,
                    "duplicate eventId (first seen " + known.firstSeenBatchTime() + ")"));
        }
        // A person's category survives an amendment that only repeats "unclassified": the reporting system did not
        // learn the category, the person did.
        boolean keepPersonsChoice = known.requalified() && line.category() == EventCategory.UNCLASSIFIED;
        LedgerEntry after = line.entry(known.firstSeenBatchTime(), known.requalified());
        if (keepPersonsChoice) {
            after = after.withCategory(known.category(), true);
        }
        return new Step(after, verdict(Verdict.Kind.AMENDED, line, known, after, null));
    }

    /**
     * Applies one batch's lines of one eventId in {@link #BATCH_ORDER}.
     *
     * @param current the entry remembered, or null
     * @param lines the batch's lines of that eventId (sorted here, in place)
     * @param batchTimeMillis batch time, epoch millis
     * @param horizonMillis the horizon, millis
     * @param verdicts receives one verdict per line, in the order applied
     * @return the entry after the batch (null when none)
     */
    public static LedgerEntry applyAll(LedgerEntry current, List<Candidate> lines, long batchTimeMillis,
            long horizonMillis, List<Verdict> verdicts) {
        if (lines.size() > 1) {
            lines.sort(BATCH_ORDER);
        }
        LedgerEntry entry = current;
        for (Candidate line : lines) {
            Step step = apply(entry, line, batchTimeMillis, horizonMillis);
            entry = step.entry();
            verdicts.add(step.verdict());
        }
        return entry;
    }

    /**
     * Replays an eventId's whole history (the archive, in arrival order) through the rule, each line at its own
     * batch time.
     *
     * @param history the eventId's lines with their batch times, in arrival order
     * @param horizonMillis the horizon, millis
     * @return the entry at the end (null when nothing was counted)
     */
    public static LedgerEntry replay(List<Timed> history, long horizonMillis) {
        LedgerEntry entry = null;
        for (Timed timed : history) {
            entry = apply(entry, timed.line(), timed.batchTimeMillis(), horizonMillis).entry();
        }
        return entry;
    }

    /**
     * One line of a history with its batch time.
     *
     * @param batchTimeMillis batch (or import) time, epoch millis
     * @param line the line's compact form
     */
    public record Timed(long batchTimeMillis, Candidate line) {
    }

    private static Verdict verdict(Verdict.Kind kind, Candidate line, LedgerEntry before, LedgerEntry after,
            String reason) {
        return new Verdict(kind, line.eventId(), before, after, reason, line.partition(), line.position(),
                kind == Verdict.Kind.REQUALIFIED ? line.reviewedBy() : null,
                kind == Verdict.Kind.REQUALIFIED ? line.reviewedAtMillis() : Candidate.NO_TIME);
    }
}

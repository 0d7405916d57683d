package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * What the incident ledger decided for one accepted line (docs/DESIGN.md "The incident ledger"). Compact like the
 * {@link LedgerEntry} it carries: Spark keeps these next to the ledger's state (and may write them into the
 * checkpoint), so they hold no line and no patient data. The line, when an output needs it, is looked up in the
 * parsing task's slice at ({@link #partition()}, {@link #position()}).
 *
 * @param kind what happened
 * @param eventId the eventId
 * @param before the ledger's entry before the line (null for a first sighting or an unknown eventId)
 * @param after the entry after it (equal to {@code before} when nothing changed)
 * @param reason why the line is rejected ({@link Kind#DUPLICATE}, {@link Kind#REFUSED}), else null
 * @param partition the line's slice partition
 * @param position the line's index in the slice
 * @param reviewedBy who re-qualified ({@link Kind#REQUALIFIED}), else null
 * @param reviewedAtMillis when, epoch millis ({@link Kind#REQUALIFIED}), else {@link Candidate#NO_TIME}
 */
public record Verdict(Kind kind, String eventId, LedgerEntry before, LedgerEntry after, String reason, int partition,
        int position, String reviewedBy, long reviewedAtMillis) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The ledger's decisions. */
    public enum Kind {
        /** A first sighting (or an eventId the ledger no longer remembers): counted. */
        COUNTED,
        /** The same eventId with no later {@code updatedAt}: rejected. */
        DUPLICATE,
        /** A later {@code updatedAt}: the counted version is replaced. */
        AMENDED,
        /** A re-qualification that applies: the category moves from unclassified to the person's choice. */
        REQUALIFIED,
        /** A re-qualification that does not apply: rejected with the reason. */
        REFUSED
    }

    /** @return true when the line is rejected after the ledger ({@code rejected/} needs its line from the slice) */
    public boolean isRejected() {
        return kind == Kind.DUPLICATE || kind == Kind.REFUSED;
    }

    /**
     * @return true when the report goes to the review queue: counted unclassified, or amended into unclassified
     *     (docs/DESIGN.md "Human re-qualification")
     */
    public boolean goesToReview() {
        return (kind == Kind.COUNTED && after.category() == EventCategory.UNCLASSIFIED)
                || (kind == Kind.AMENDED && after.category() == EventCategory.UNCLASSIFIED
                        && before.category() != EventCategory.UNCLASSIFIED);
    }

    /**
     * @return true when the line raises a CRITICAL alert: counted at severe or death, or amended from below severe
     *     to severe or death (AHRQ harm scale; docs/DESIGN.md "The incident ledger")
     */
    public boolean raisesCritical() {
        return (kind == Kind.COUNTED && after.harmLevel().isCritical())
                || (kind == Kind.AMENDED && after.harmLevel().isCritical() && !before.harmLevel().isCritical());
    }

    /** @return true when the parsing task's slice must see this verdict (rejection line, review, archive status) */
    public boolean returnsToSlice() {
        return isRejected() || goesToReview() || kind == Kind.AMENDED;
    }
}

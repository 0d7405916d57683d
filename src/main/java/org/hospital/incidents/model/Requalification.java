package org.hospital.incidents.model;

import java.io.Serializable;
import java.time.Instant;

/**
 * A person's decision on an unclassified report that the ledger applied (docs/DESIGN.md "Human re-qualification"):
 * one line of the {@code requalifications} output. It moved one count of its ward from {@code unclassified} to
 * {@code toCategory}; totals, harm levels, windows and alerts did not change.
 *
 * @param eventId the original report's eventId
 * @param wardId the original report's ward
 * @param fromCategory the category before ({@code unclassified})
 * @param toCategory the category decided, never {@link EventCategory#UNCLASSIFIED}
 * @param reviewedBy who decided
 * @param reviewedAt when
 */
public record Requalification(String eventId, String wardId, EventCategory fromCategory, EventCategory toCategory,
        String reviewedBy, Instant reviewedAt) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param verdict a {@link Verdict.Kind#REQUALIFIED} verdict
     * @return the decision
     */
    public static Requalification of(Verdict verdict) {
        return new Requalification(verdict.eventId(), verdict.after().wardId(), verdict.before().category(),
                verdict.after().category(), verdict.reviewedBy(), Instant.ofEpochMilli(verdict.reviewedAtMillis()));
    }

    /** Never prints the reviewer. */
    @Override
    public String toString() {
        return "Requalification[eventId=" + eventId + ", wardId=" + wardId + ", toCategory=" + toCategory.code()
                + "]";
    }
}

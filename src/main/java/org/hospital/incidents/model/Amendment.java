package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * A later version of a counted report that the ledger applied (docs/DESIGN.md "The incident ledger"): one line of the
 * {@code amendments} output.
 *
 * @param eventId the report's eventId
 * @param before the version counted until now
 * @param after the version counted from now on
 */
public record Amendment(String eventId, LedgerEntry before, LedgerEntry after) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param verdict an {@link Verdict.Kind#AMENDED} verdict
     * @return the amendment
     */
    public static Amendment of(Verdict verdict) {
        return new Amendment(verdict.eventId(), verdict.before(), verdict.after());
    }
}

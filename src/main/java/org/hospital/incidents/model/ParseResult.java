package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * Outcome of parsing one line: exactly one of {@link #incident()} and {@link #rejection()} is non-null.
 *
 * @param incident the accepted incident, or null
 * @param rejection the rejection, or null
 */
public record ParseResult(Incident incident, Rejection rejection) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Enforces "exactly one of the two". */
    public ParseResult {
        if ((incident == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of incident and rejection must be set");
        }
    }

    /**
     * @param incident an accepted incident
     * @return an accepted result
     */
    public static ParseResult accepted(Incident incident) {
        return new ParseResult(incident, null);
    }

    /**
     * @param rejection why the line was rejected
     * @return a rejected result
     */
    public static ParseResult rejected(Rejection rejection) {
        return new ParseResult(null, rejection);
    }

    /** @return true when the line was accepted */
    public boolean isAccepted() {
        return incident != null;
    }
}

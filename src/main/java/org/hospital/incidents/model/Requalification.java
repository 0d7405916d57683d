package org.hospital.incidents.model;

import java.io.Serializable;
import java.time.Instant;

/**
 * A person's decision on an unclassified report (DESIGN.md "Human re-qualification"): the report's eventId and ward,
 * the category it belongs to, who decided and when. It moves one count of its ward from {@code unclassified} to
 * {@code toCategory}; totals, harm levels, windows and alerts do not change.
 *
 * @param eventId the original report's eventId
 * @param wardId the original report's ward
 * @param toCategory the category decided, never {@link EventCategory#UNCLASSIFIED}
 * @param reviewedBy who decided
 * @param reviewedAt when
 * @param source where the record's line came from
 * @param line the record's raw line (kept for a refusal in {@code rejected})
 */
public record Requalification(String eventId, String wardId, EventCategory toCategory, String reviewedBy,
        Instant reviewedAt, String source, String line) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param incident a parsed re-qualification record ({@link Incident#isRequalification()})
     * @param line the line it came from
     * @return the decision
     * @throws IllegalArgumentException when the incident is not a re-qualification
     */
    public static Requalification of(Incident incident, SourcedLine line) {
        if (!incident.isRequalification()) {
            throw new IllegalArgumentException("not a requalified record: " + incident.eventId());
        }
        return new Requalification(incident.eventId(), incident.wardId(), incident.category(), incident.reviewedBy(),
                incident.reviewedAt(), line.source(), line.line());
    }

    /** Never prints the line (patient data) nor the reviewer. */
    @Override
    public String toString() {
        return "Requalification[eventId=" + eventId + ", wardId=" + wardId + ", toCategory=" + toCategory.code()
                + "]";
    }
}

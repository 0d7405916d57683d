package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * An accepted report on its way through the duplicate check: what the counts and alerts need, and the raw line in
 * case it turns out to be a repeat (the {@code rejected} output keeps it).
 *
 * <p>Why not the whole {@link Incident}: every accepted report crosses one shuffle (keyed by eventId) to reach
 * the duplicate memory; the free text and patient token are not needed after it, and a smaller record is a
 * smaller shuffle.
 *
 * @param eventId the report's eventId
 * @param wardId ward
 * @param harmLevel AHRQ harm level
 * @param category normalised event category
 * @param reportType incident, near miss or unsafe condition
 * @param occurredAt {@code occurredAt}
 * @param source where the line came from ({@link SourcedLine#source()})
 * @param line the raw line, or null once the report is known to be first
 * @param firstSeenBatchTime batch time (epoch millis) at which the eventId was first counted when this report is
 *     a duplicate, or {@link #FIRST} when it counts
 * @param unclassified the whole report when its category is {@code unclassified} (the review queue shows it to a
 *     person, DESIGN.md "Human re-qualification"), else null
 */
public record Candidate(String eventId, String wardId, HarmLevel harmLevel, EventCategory category,
        ReportType reportType, java.time.Instant occurredAt, String source, String line, long firstSeenBatchTime,
        Incident unclassified) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link #firstSeenBatchTime()} of a report that counts. */
    public static final long FIRST = -1L;

    /**
     * @param incident an accepted incident
     * @param source where its line came from
     * @param line its raw line
     * @return the candidate, not yet checked
     */
    public static Candidate of(Incident incident, String source, String line) {
        return new Candidate(incident.eventId(), incident.wardId(), incident.harmLevel(), incident.category(),
                incident.reportType(), incident.occurredAt(), source, line, FIRST,
                incident.category() == EventCategory.UNCLASSIFIED ? incident : null);
    }

    /** @return the same report, known to count; the line is dropped (it is only kept for a rejection) */
    public Candidate counted() {
        return new Candidate(eventId, wardId, harmLevel, category, reportType, occurredAt, source, null,
                FIRST, unclassified);
    }

    /**
     * @param firstSeen batch time at which the eventId was first counted, epoch millis
     * @return the same report, marked a duplicate
     */
    public Candidate duplicateOf(long firstSeen) {
        return new Candidate(eventId, wardId, harmLevel, category, reportType, occurredAt, source, line,
                firstSeen, null);
    }

    /** @return true when the report counts (not a duplicate) */
    public boolean isFirst() {
        return firstSeenBatchTime == FIRST;
    }

    /** Never prints the line: it may hold patient data. */
    @Override
    public String toString() {
        return "Candidate[eventId=" + eventId + ", wardId=" + wardId + ", harmLevel=" + harmLevel.code()
                + ", source=" + source + ", firstSeenBatchTime=" + firstSeenBatchTime + "]";
    }
}

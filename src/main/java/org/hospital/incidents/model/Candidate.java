package org.hospital.incidents.model;

import java.io.Serializable;
import java.time.Instant;

/**
 * One accepted line on its way to the incident ledger (docs/DESIGN.md "The incident ledger"): a report version or a
 * re-qualification, reduced to what the ledger decides on, plus where its line stays.
 *
 * <p>Why so little: every accepted line crosses one shuffle, keyed by eventId, to the ledger's partition. The raw
 * line, the patient token and the description never do; they stay in the parsing task's cached {@code BatchSlice}
 * at ({@link #partition()}, {@link #position()}), and the few lines an output needs after the ledger (a duplicate's
 * or a refusal's line for {@code rejected/}, an unclassified report for the review queue) are looked up there.
 *
 * @param eventId the report's eventId
 * @param wardId ward
 * @param harmLevel AHRQ harm level
 * @param category normalised event category (for a re-qualification: the category decided)
 * @param reportType incident, near miss or unsafe condition
 * @param occurredAtMillis {@code occurredAt}, epoch millis
 * @param updatedAtMillis {@code updatedAt}, epoch millis, or {@link #NO_TIME}
 * @param reviewedBy who re-qualified the report ({@code status: requalified}), or null for a report version
 * @param reviewedAtMillis when, epoch millis, or {@link #NO_TIME}
 * @param partition index of the batch partition whose slice keeps the line
 * @param position the line's index among that slice's candidates
 */
public record Candidate(String eventId, String wardId, HarmLevel harmLevel, EventCategory category,
        ReportType reportType, long occurredAtMillis, long updatedAtMillis, String reviewedBy, long reviewedAtMillis,
        int partition, int position) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** An absent instant ({@code updatedAt}, {@code reviewedAt}): earlier than any present one. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * @param incident an accepted incident or re-qualification record
     * @param partition the slice's partition index
     * @param position the line's index in the slice
     * @return the candidate
     */
    public static Candidate of(Incident incident, int partition, int position) {
        return new Candidate(incident.eventId(), incident.wardId(), incident.harmLevel(), incident.category(),
                incident.reportType(), incident.occurredAt().toEpochMilli(), millis(incident.updatedAt()),
                incident.reviewedBy(), millis(incident.reviewedAt()), partition, position);
    }

    private static long millis(Instant instant) {
        return instant == null ? NO_TIME : instant.toEpochMilli();
    }

    /** @return true for a re-qualification record, false for a version of a report */
    public boolean isRequalification() {
        return reviewedBy != null;
    }

    /**
     * @param firstSeenBatchTime the batch time the eventId is first counted at
     * @param requalified whether a person re-qualified it
     * @return this version as the ledger's entry
     */
    public LedgerEntry entry(long firstSeenBatchTime, boolean requalified) {
        return new LedgerEntry(wardId, harmLevel, category, reportType, occurredAtMillis, firstSeenBatchTime,
                updatedAtMillis, requalified);
    }

    /** Never prints the reviewer. */
    @Override
    public String toString() {
        return "Candidate[eventId=" + eventId + ", wardId=" + wardId + ", harmLevel=" + harmLevel.code()
                + (isRequalification() ? ", requalification to " + category.code() : "")
                + ", at " + partition + "/" + position + "]";
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One accepted patient-safety report (DESIGN.md "Incident record"), immutable.
 *
 * <p>The patient identifier never reaches this record in clear: the parser puts its keyed token here
 * ({@code patientToken}, DESIGN.md "Pseudonymisation"). {@code description} is sensitive free text:
 * {@link #toString()} redacts it, and no output or alert of the streaming job carries it.
 *
 * @param eventId unique report id, non-empty
 * @param occurredAt when the event occurred (UTC instant)
 * @param wardId ward the event belongs to, non-empty
 * @param harmLevel AHRQ harm level
 * @param category AHRQ event category, {@link EventCategory#UNCLASSIFIED} when absent or unknown
 * @param reportType incident, near miss or unsafe condition
 * @param hospitalId optional hospital id, may be null
 * @param patientToken token of the report's {@code patientRef} ({@code Pseudonymizer}), or null when it had none
 * @param description optional free text (sensitive), may be null
 * @param reportedCategory the {@code category} value as received (null when absent): what a reviewer reads
 * @param reviewedBy who re-qualified the report ({@code status: requalified}, DESIGN.md "Human re-qualification"),
 *     null for a report as first reported
 * @param reviewedAt when it was re-qualified, null for a report as first reported
 * @param updatedAt when the reporting system last changed this report ({@code updatedAt}, docs/DESIGN.md "The
 *     incident ledger"), or null when the line had none: a later one than the counted version's makes the report an
 *     amendment
 */
public record Incident(
        String eventId,
        Instant occurredAt,
        String wardId,
        HarmLevel harmLevel,
        EventCategory category,
        ReportType reportType,
        String hospitalId,
        String patientToken,
        String description,
        String reportedCategory,
        String reviewedBy,
        Instant reviewedAt,
        Instant updatedAt)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Checks the invariants the parser guarantees; a violation is a programming error. */
    public Incident {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(wardId, "wardId");
        Objects.requireNonNull(harmLevel, "harmLevel");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(reportType, "reportType");
        if ((reviewedBy == null) != (reviewedAt == null)) {
            throw new IllegalArgumentException("reviewedBy and reviewedAt go together");
        }
    }

    /**
     * A report as first reported ({@code status: reported}), its category received as its code.
     *
     * @param eventId unique report id
     * @param occurredAt when the event occurred
     * @param wardId ward
     * @param harmLevel harm level
     * @param category event category
     * @param reportType report type
     * @param hospitalId hospital id or null
     * @param patientToken patient token or null
     * @param description free text or null
     */
    public Incident(String eventId, Instant occurredAt, String wardId, HarmLevel harmLevel, EventCategory category,
            ReportType reportType, String hospitalId, String patientToken, String description) {
        this(eventId, occurredAt, wardId, harmLevel, category, reportType, hospitalId, patientToken, description,
                category.code(), null, null, null);
    }

    /** @return true for a re-qualification record ({@code status: requalified}) */
    public boolean isRequalification() {
        return reviewedBy != null;
    }

    /** Never prints {@code description} (nor the token): log lines must not carry patient data. */
    @Override
    public String toString() {
        return "Incident[eventId=" + eventId + ", occurredAt=" + occurredAt + ", wardId=" + wardId
                + ", harmLevel=" + harmLevel.code() + ", category=" + category.code()
                + ", reportType=" + reportType.code() + ", hospitalId=" + hospitalId
                + ", patientToken=" + (patientToken == null ? "null" : "<redacted>")
                + ", description=" + (description == null ? "null" : "<redacted>")
                + (reviewedBy == null ? "" : ", requalified at " + reviewedAt)
                + (updatedAt == null ? "" : ", updatedAt=" + updatedAt) + "]";
    }
}

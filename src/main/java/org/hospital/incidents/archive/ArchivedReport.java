package org.hospital.incidents.archive;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.Comparator;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.ledger.LedgerRule;

/**
 * One accepted or re-qualification entry of the archive (DESIGN.md "Archive"), the fields analytics needs: from the
 * stream's {@code batch-*} folders and the importer's {@code import-*} folders alike.
 *
 * @param eventId the report's eventId
 * @param requalification true for {@code status: requalified} (a person's decision), false for {@code accepted}
 * @param batchTime the entry's batch time (or import time), epoch millis
 * @param source where the line came from ({@code kafka:…}, {@code socket}, {@code import:<file>:<row>})
 * @param occurredAt the incident's time as archived (ISO-8601)
 * @param hospitalId hospital, or null
 * @param wardId ward
 * @param harmLevel AHRQ harm level code
 * @param category normalised event category code ({@code unclassified} when the machine could not classify it)
 * @param reportedCategory the category value received, or null
 * @param reportType incident, near_miss or unsafe_condition, or null (counted as an incident)
 * @param patientToken the patient's token, or null
 * @param updatedAt the report's {@code updatedAt} (ISO-8601), or null
 * @param reviewedBy who re-qualified it (a re-qualification), or null
 * @param reviewedAt when (ISO-8601), or null
 */
public record ArchivedReport(String eventId, boolean requalification, long batchTime, String source,
        String occurredAt, String hospitalId, String wardId, String harmLevel, String category,
        String reportedCategory, String reportType, String patientToken, String updatedAt, String reviewedBy,
        String reviewedAt) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Which of two entries of one eventId came first: batch time, then source in arrival order (the same Kafka
     * partition or import file by offset or row number, compared as numbers), so a rerun picks the same one.
     */
    public static final Comparator<ArchivedReport> FIRST = Comparator.comparingLong(ArchivedReport::batchTime)
            .thenComparing(ArchivedReport::source, ArchivedReport::compareSources);

    /**
     * @param a a source label ({@code kafka:<topic>/<partition>/<offset>}, {@code import:<file>:<row>}, socket)
     * @param b another
     * @return their order: by the number after the last {@code /} or {@code :} when the rest is equal, else as text
     */
    static int compareSources(String a, String b) {
        int i = Math.max(a.lastIndexOf('/'), a.lastIndexOf(':'));
        int j = Math.max(b.lastIndexOf('/'), b.lastIndexOf(':'));
        if (i > 0 && i == j && a.regionMatches(0, b, 0, i)) {
            try {
                return Long.compare(Long.parseLong(a.substring(i + 1)), Long.parseLong(b.substring(j + 1)));
            } catch (NumberFormatException e) {
                // Not numbers: the text order below.
            }
        }
        return a.compareTo(b);
    }

    /**
     * @param line one archive line
     * @return the entry, or null for a rejected entry (the archive keeps those too; they are no incident)
     * @throws IllegalArgumentException when the line is not an archive entry (the message says why; never the line)
     */
    public static ArchivedReport parse(String line) {
        JsonObject entry;
        try {
            entry = JsonParser.parseString(line).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String status = text(entry, "status");
        if ("rejected".equals(status)) {
            return null;
        }
        if (!"accepted".equals(status) && !"amended".equals(status) && !"requalified".equals(status)) {
            throw new IllegalArgumentException("unknown status " + status);
        }
        JsonElement incidentElement = entry.get("incident");
        if (incidentElement == null || !incidentElement.isJsonObject()) {
            throw new IllegalArgumentException("entry without an incident object");
        }
        JsonObject incident = incidentElement.getAsJsonObject();
        JsonElement batchTime = entry.get("batchTime");
        String eventId = text(incident, "eventId");
        if (eventId == null || batchTime == null) {
            throw new IllegalArgumentException("entry without eventId or batchTime");
        }
        ArchivedReport report = new ArchivedReport(eventId, "requalified".equals(status), batchTime.getAsLong(),
                String.valueOf(text(entry, "source")), text(incident, "occurredAt"), text(incident, "hospitalId"),
                text(incident, "wardId"), text(incident, "harmLevel"), text(incident, "category"),
                text(incident, "reportedCategory"), text(incident, "reportType"), text(incident, "patientToken"),
                text(incident, "updatedAt"), text(incident, "reviewedBy"), text(incident, "reviewedAt"));
        report.candidate();
        return report;
    }

    /**
     * The entry as the incident ledger reads it ({@link LedgerRule}): the stream, the seed of a new checkpoint and
     * analytics replay the archive through the same rule.
     *
     * @return the compact form (partition and position 0: the archive's own order is applied by the caller)
     * @throws IllegalArgumentException when a field the rule needs is missing or malformed
     */
    public Candidate candidate() {
        try {
            HarmLevel harm = HarmLevel.fromCode(harmLevel)
                    .orElseThrow(() -> new IllegalArgumentException("unknown harmLevel"));
            ReportType type = reportType == null ? ReportType.INCIDENT
                    : ReportType.fromCode(reportType).orElse(ReportType.INCIDENT);
            if (wardId == null || occurredAt == null) {
                throw new IllegalArgumentException("entry without wardId or occurredAt");
            }
            return new Candidate(eventId, wardId, harm, EventCategory.fromCode(category), type, millis(occurredAt),
                    updatedAt == null ? Candidate.NO_TIME : millis(updatedAt),
                    requalification ? (reviewedBy == null ? "" : reviewedBy) : null,
                    reviewedAt == null ? Candidate.NO_TIME : millis(reviewedAt), 0, 0);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("unparseable instant in the entry");
        }
    }

    private static long millis(String instant) {
        return java.time.OffsetDateTime.parse(instant).toInstant().toEpochMilli();
    }

    private static String text(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    /** Redacted: the token is patient data. */
    @Override
    public String toString() {
        return "ArchivedReport[" + eventId + ", " + (requalification ? "requalified" : "accepted") + ", " + source
                + "]";
    }
}

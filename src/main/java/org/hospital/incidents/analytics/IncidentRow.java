package org.hospital.incidents.analytics;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.hospital.incidents.model.LedgerEntry;
import java.util.List;
import org.hospital.incidents.archive.ArchivedReport;

/**
 * One incident as analytics sees it (DESIGN.md "Analytics", {@code incidents.csv}): the first archived report of its
 * eventId, with the category of its first re-qualification when a person re-qualified it; date, hour and weekday in
 * the report's time zone.
 *
 * @param eventId the eventId
 * @param occurredAt when it happened
 * @param date local date of {@code occurredAt}
 * @param hour local hour, 0–23
 * @param weekday ISO weekday, 1 = Monday … 7 = Sunday
 * @param hospitalId hospital, or null
 * @param wardId ward
 * @param harmLevel AHRQ harm level code
 * @param category the final category: the re-qualified one, else the category at report
 * @param reportedCategory the category value received with the report, or null
 * @param reportType report type, {@code incident} when absent
 * @param requalified true when a person re-qualified it
 * @param unclassifiedAtReport true when the machine could not classify the report as received
 * @param patientToken the patient's token, or null
 */
public record IncidentRow(String eventId, Instant occurredAt, LocalDate date, int hour, int weekday,
        String hospitalId, String wardId, String harmLevel, String category, String reportedCategory,
        String reportType, boolean requalified, boolean unclassifiedAtReport, String patientToken)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Header of {@code incidents.csv}, in DESIGN.md's order. */
    public static final List<String> HEADER = List.of("eventId", "occurredAt", "date", "hour", "weekday",
            "hospitalId", "wardId", "harmLevel", "harmOrdinal", "category", "reportedCategory", "reportType",
            "requalified", "patientToken");

    /** Harm levels in ordinal order (DESIGN.md: none=0 … death=4; unknown has none). */
    static final List<String> HARM_ORDER = List.of("none", "mild", "moderate", "severe", "death");

    /**
     * @param latest the eventId's latest counted version
     * @param entry the ledger's entry for it after the whole history (category, re-qualified)
     * @param unclassifiedAtReport whether the first version counted was unclassified
     * @param zone time zone of date, hour and weekday
     * @return the row
     */
    public static IncidentRow of(ArchivedReport latest, LedgerEntry entry, boolean unclassifiedAtReport,
            ZoneId zone) {
        Instant occurredAt = java.time.OffsetDateTime.parse(latest.occurredAt()).toInstant();
        ZonedDateTime local = occurredAt.atZone(zone);
        return new IncidentRow(latest.eventId(), occurredAt, local.toLocalDate(), local.getHour(),
                local.getDayOfWeek().getValue(), latest.hospitalId(), latest.wardId(), latest.harmLevel(),
                entry.category().code(), latest.reportedCategory(),
                latest.reportType() == null ? "incident" : latest.reportType(), entry.requalified(),
                unclassifiedAtReport, latest.patientToken());
    }

    /** @return 0 (none) … 4 (death), or null for {@code unknown} */
    public Integer harmOrdinal() {
        int ordinal = HARM_ORDER.indexOf(harmLevel);
        return ordinal < 0 ? null : ordinal;
    }

    /** @return true for severe harm or death (DESIGN.md Q1) */
    public boolean severeOrDeath() {
        return "severe".equals(harmLevel) || "death".equals(harmLevel);
    }

    /** @return {@code YYYY-MM} of the local date */
    public String month() {
        return date.toString().substring(0, 7);
    }

    /**
     * @return a key whose string order is {@code occurredAt} order, then eventId (an ISO instant's text does not
     *     sort by time when the fraction digits differ)
     */
    public String sortKey() {
        return String.format("%012d%09d", occurredAt.getEpochSecond(), occurredAt.getNano()) + '\u0000' + eventId;
    }

    /** @return the {@code incidents.csv} values, in {@link #HEADER} order */
    public List<Object> csvValues() {
        Integer ordinal = harmOrdinal();
        return java.util.Arrays.asList(eventId, occurredAt.toString(), date.toString(), hour, weekday, hospitalId,
                wardId, harmLevel, ordinal == null ? "" : ordinal, category, reportedCategory, reportType,
                requalified, patientToken);
    }

    /**
     * @return the {@code incidents.csv} row as one RFC 4180 line, without the line break (formatted where the row
     *     is, so the driver receives compact strings, not objects)
     */
    public String csvLine() {
        return org.apache.commons.csv.CSVFormat.RFC4180.format(
                org.hospital.incidents.support.CsvCells.safe(csvValues()).toArray());
    }

    /** Redacted: the token is patient data. */
    @Override
    public String toString() {
        return "IncidentRow[" + eventId + ", " + wardId + ", " + date + "]";
    }
}

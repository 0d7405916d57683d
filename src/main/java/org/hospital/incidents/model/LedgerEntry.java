package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * What the incident ledger remembers of one eventId (docs/DESIGN.md "The incident ledger"): the version of the report
 * that is counted, in a few fields. Never the raw line, {@code patientRef}, {@code patientToken} or
 * {@code description}: this is the state Spark checkpoints, and what crosses the ledger's shuffle.
 *
 * <p>Size: the ward id's characters, three enum ordinals, three longs and a flag; Kryo writes it in about
 * {@code 20 + wardId length} bytes ({@code KryoClasses} registers a compact serializer), next to the eventId key.
 *
 * @param wardId ward the counted version belongs to
 * @param harmLevel its AHRQ harm level
 * @param category its event category (the person's choice once re-qualified)
 * @param reportType incident, near miss or unsafe condition
 * @param occurredAtMillis its {@code occurredAt}, epoch millis
 * @param firstSeenBatchTime batch time at which the eventId was first counted, epoch millis; the duplicate horizon
 *     runs from it
 * @param updatedAtMillis the counted version's {@code updatedAt}, epoch millis, or {@link Candidate#NO_TIME} when it
 *     had none
 * @param requalified true once a person re-qualified the report
 */
public record LedgerEntry(String wardId, HarmLevel harmLevel, EventCategory category, ReportType reportType,
        long occurredAtMillis, long firstSeenBatchTime, long updatedAtMillis, boolean requalified)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param category the new category
     * @param requalifiedNow the new flag
     * @return the same entry with another category
     */
    public LedgerEntry withCategory(EventCategory category, boolean requalifiedNow) {
        return new LedgerEntry(wardId, harmLevel, category, reportType, occurredAtMillis, firstSeenBatchTime,
                updatedAtMillis, requalifiedNow);
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One alert for the operations team (DESIGN.md {@code alerts} output). Never carries patient data.
 *
 * <p>Ids are deterministic, so a batch replayed after recovery produces the same alerts:
 * {@code CRITICAL:<eventId>}, {@code CRITICAL:<eventId>:amended:<updatedAtMillis>} and
 * {@code SURGE:<wardId>:<windowStartMillis>} (an event-time window, docs/DESIGN.md "Surges in event time").
 *
 * @param alertId deterministic id
 * @param type CRITICAL or SURGE
 * @param wardId the ward
 * @param batchTime batch time, epoch millis
 * @param message one human-readable sentence
 * @param eventId the incident (CRITICAL only, else null)
 * @param harmLevel its harm level (CRITICAL only, else null)
 * @param count incidents in the window (SURGE only, else 0)
 * @param windowEndMillis event-time window end, epoch millis, exclusive (SURGE only, else 0)
 * @param amended true for a CRITICAL alert raised by an amendment that raised the harm level to severe or death
 *     (docs/DESIGN.md "The incident ledger")
 * @param windowStartMillis event-time window start, epoch millis, inclusive (SURGE only, else 0)
 * @param limit the ward's limit the window reached (SURGE only, else 0)
 * @param limitSource {@code threshold} or {@code history <from>..<to>} (SURGE only, else null)
 * @param occurredAtMillis when the incident occurred, epoch millis (CRITICAL only, else 0): not in the alert's line,
 *     it orders a batch's CRITICAL alerts on the Incidents tab
 */
public record Alert(String alertId, Type type, String wardId, long batchTime, String message, String eventId,
        HarmLevel harmLevel, long count, long windowEndMillis, boolean amended, long windowStartMillis, long limit,
        String limitSource, long occurredAtMillis) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Alert types. */
    public enum Type {
        /** An incident that caused severe harm or death. */
        CRITICAL,
        /** A ward whose incident count in one event-time window reached the ward's limit. */
        SURGE
    }
}

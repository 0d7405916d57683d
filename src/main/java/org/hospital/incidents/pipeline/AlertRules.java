package org.hospital.incidents.pipeline;

import java.time.Instant;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.SurgeWindow;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardWindow;

/**
 * The two alert rules, as plain functions so they are unit-tested alone (STYLE.md "rules are small functions").
 *
 * <ul>
 *   <li>CRITICAL: an incident whose harm level is {@code death} or {@code severe} (DESIGN.md; AHRQ harm scale),
 *       one alert per report, whatever its report type.
 *   <li>SURGE: a ward whose incident count in one event-time window reached its limit, once per burst (the rule
 *       itself is {@link EventTimeRule}'s; this class words the alert).
 * </ul>
 * Alerts never carry {@code patientRef} or {@code description}.
 */
public final class AlertRules {

    private AlertRules() {
    }

    /**
     * @param incident an accepted incident
     * @return true when it must raise a CRITICAL alert
     */
    public static boolean isCritical(Incident incident) {
        return incident.harmLevel().isCritical();
    }

    /**
     * @param eventId the report's eventId
     * @param report the ledger's entry of the version counted, whose harm level is critical
     * @param amended true when an amendment raised the harm level to severe or death
     * @param batchTimeMillis batch time, epoch millis
     * @return the CRITICAL alert, id {@code CRITICAL:<eventId>}, or {@code CRITICAL:<eventId>:amended:<updatedAt
     *     millis>} for an amendment (a report may be re-graded up more than once)
     */
    public static Alert critical(String eventId, LedgerEntry report, boolean amended, long batchTimeMillis) {
        String message = "CRITICAL " + report.harmLevel().code() + " " + report.reportType().code()
                + " in ward " + report.wardId() + ": event " + eventId + " ("
                + report.category().code() + ") occurred at " + Instant.ofEpochMilli(report.occurredAtMillis())
                + (amended ? " (harm level raised by an amendment)" : "");
        String id = "CRITICAL:" + eventId + (amended ? ":amended:" + report.updatedAtMillis() : "");
        return new Alert(id, Alert.Type.CRITICAL, report.wardId(), batchTimeMillis, message, eventId,
                report.harmLevel(), 0, 0, amended, 0, 0, null, report.occurredAtMillis());
    }

    /**
     * @param verdict a ledger verdict for which {@link Verdict#raisesCritical()} holds
     * @param batchTimeMillis batch time, epoch millis
     * @return its CRITICAL alert
     */
    public static Alert critical(Verdict verdict, long batchTimeMillis) {
        return critical(verdict.eventId(), verdict.after(), verdict.kind() == Verdict.Kind.AMENDED, batchTimeMillis);
    }

    /**
     * @param report a report counted without the ledger, whose harm level is critical
     * @param batchTimeMillis batch time, epoch millis
     * @return its CRITICAL alert
     */
    public static Alert critical(Candidate report, long batchTimeMillis) {
        return critical(report.eventId(), report.entry(batchTimeMillis, false), false, batchTimeMillis);
    }

    /**
     * @param incident an incident for which {@link #isCritical} holds
     * @param batchTimeMillis batch time, epoch millis
     * @return the CRITICAL alert, id {@code CRITICAL:<eventId>}
     */
    public static Alert critical(Incident incident, long batchTimeMillis) {
        return critical(Candidate.of(incident, 0, 0), batchTimeMillis);
    }

    /**
     * The SURGE alert of a window the ward's state decided on ({@link EventTimeRule}).
     *
     * @param surge the window, its counts, the ward's limit and where the limit comes from
     * @param batchTimeMillis batch time, epoch millis
     * @return the alert, id {@code SURGE:<wardId>:<windowStartMillis>} (one event-time window pages once)
     */
    public static Alert surge(SurgeWindow surge, long batchTimeMillis) {
        WardWindow window = surge.window();
        long count = window.counts().count();
        long seconds = (window.windowEndMillis() - window.windowStartMillis()) / 1000;
        String message = "SURGE in ward " + window.wardId() + ": " + count + " incidents in the " + seconds
                + " s window from " + Instant.ofEpochMilli(window.windowStartMillis()) + " to "
                + Instant.ofEpochMilli(window.windowEndMillis()) + " (limit " + surge.limit() + ", "
                + surge.limitSource() + ")";
        return new Alert("SURGE:" + window.wardId() + ":" + window.windowStartMillis(), Alert.Type.SURGE,
                window.wardId(), batchTimeMillis, message, null, null, count, window.windowEndMillis(), false,
                window.windowStartMillis(), surge.limit(), surge.limitSource(), 0);
    }
}

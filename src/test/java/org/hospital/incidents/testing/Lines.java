package org.hospital.incidents.testing;

/** Builds incident lines for tests. */
public final class Lines {

    private Lines() {
    }

    /**
     * @param eventId event id
     * @param wardId ward
     * @param harm harm level code
     * @param category category code, or null to leave it out
     * @return one JSON incident line, occurred at 2026-11-21T08:00:00Z
     */
    public static String incident(String eventId, String wardId, String harm, String category) {
        return "{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"" + wardId
                + "\",\"harmLevel\":\"" + harm + "\"" + (category == null ? "" : ",\"category\":\"" + category + "\"")
                + ",\"patientRef\":\"P-SECRET\",\"description\":\"sensitive text\"}";
    }

    /**
     * @param eventId event id
     * @param wardId ward
     * @param harm harm level code
     * @param occurredAt ISO instant
     * @return one JSON incident line without category
     */
    public static String incidentAt(String eventId, String wardId, String harm, String occurredAt) {
        return "{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"" + occurredAt + "\",\"wardId\":\"" + wardId
                + "\",\"harmLevel\":\"" + harm + "\"}";
    }
}

package org.hospital.incidents.stream.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.hospital.incidents.pipeline.AlertRules;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    private static final Incident INCIDENT = new Incident("E-1", Instant.parse("2026-11-21T08:15:30.123Z"), "ICU-2",
            HarmLevel.SEVERE, EventCategory.MEDICATION, ReportType.INCIDENT, "H1", "P-SECRET", "sensitive text");

    @Test
    void wardTotalHasDesignFieldsAndOnlyNonZeroCounts() {
        WardState state = WardState.of(INCIDENT).plus(WardState.of(INCIDENT));
        JsonObject json = JsonParser.parseString(JsonCodec.wardTotal(new WardTotal("ICU-2", state, 1000)))
                .getAsJsonObject();
        assertEquals("ICU-2", json.get("wardId").getAsString());
        assertEquals(2, json.get("total").getAsLong());
        assertEquals("{\"severe\":2}", json.get("byHarmLevel").toString());
        assertEquals("{\"medication\":2}", json.get("byCategory").toString());
        assertEquals("2026-11-21T08:15:30.123Z", json.get("lastOccurredAt").getAsString());
        assertEquals(1000, json.get("batchTime").getAsLong());
    }

    @Test
    void wardWindowUsesIsoInstants() {
        long start = Instant.parse("2026-11-21T08:00:00Z").toEpochMilli();
        long end = Instant.parse("2026-11-21T08:01:00Z").toEpochMilli();
        JsonObject json = JsonParser.parseString(JsonCodec.wardWindow(
                new WardWindow("W", start, end, WindowCounts.of(HarmLevel.NONE)))).getAsJsonObject();
        assertEquals("2026-11-21T08:00:00Z", json.get("windowStart").getAsString());
        assertEquals("2026-11-21T08:01:00Z", json.get("windowEnd").getAsString());
        assertEquals(1, json.get("count").getAsLong());
        assertEquals("{\"none\":1}", json.get("byHarmLevel").toString());
    }

    /** The ward-windows line as Gson's JsonWriter wrote it before the line was built by hand. */
    private static String byJsonWriter(WardWindow window) throws java.io.IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        try (com.google.gson.stream.JsonWriter json = new com.google.gson.stream.JsonWriter(text)) {
            json.setHtmlSafe(false);
            json.beginObject().name("wardId").value(window.wardId())
                    .name("windowStart").value(Instant.ofEpochMilli(window.windowStartMillis()).toString())
                    .name("windowEnd").value(Instant.ofEpochMilli(window.windowEndMillis()).toString())
                    .name("count").value(window.counts().count()).name("byHarmLevel").beginObject();
            for (HarmLevel level : HarmLevel.values()) {
                if (window.counts().count(level) != 0) {
                    json.name(level.code()).value(window.counts().count(level));
                }
            }
            json.endObject().endObject();
        }
        return text.toString();
    }

    @Test
    void wardWindowLineIsByteForByteWhatGsonsWriterWritesWhateverTheWardId() throws Exception {
        String[] wards = {"ICU-2", "W\"quoted\"", "back\\slash", "line\nbreak\u001b[31m", "<b>&='", "\u2028\u2029",
            "Station 3 – Süd", "\ud83c\udfe5", ""};
        long start = Instant.parse("2026-11-21T08:00:05Z").toEpochMilli();
        long[] harm = new long[HarmLevel.values().length];
        harm[HarmLevel.NONE.ordinal()] = 3;
        harm[HarmLevel.DEATH.ordinal()] = 1;
        for (String ward : wards) {
            for (WindowCounts counts : new WindowCounts[] {WindowCounts.of(4, harm), WindowCounts.of(HarmLevel.MILD),
                WindowCounts.of(0, new long[HarmLevel.values().length])}) {
                WardWindow window = new WardWindow(ward, start, start + 60_000, counts);
                assertEquals(byJsonWriter(window), JsonCodec.wardWindow(window), "ward " + ward);
                assertEquals(ward, JsonParser.parseString(JsonCodec.wardWindow(window)).getAsJsonObject()
                        .get("wardId").getAsString());
            }
        }
    }

    @Test
    void criticalAlertCarriesEventAndHarmButNoPatientData() {
        String line = JsonCodec.alert(AlertRules.critical(INCIDENT, 5000));
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertEquals("CRITICAL:E-1", json.get("alertId").getAsString());
        assertEquals("CRITICAL", json.get("type").getAsString());
        assertEquals("E-1", json.get("eventId").getAsString());
        assertEquals("severe", json.get("harmLevel").getAsString());
        assertFalse(line.contains("P-SECRET"));
        assertFalse(line.contains("sensitive"));
    }

    @Test
    void rejectionStaysOneLineWhateverTheInput() {
        String line = JsonCodec.rejection(new Rejection("bad", "a\nb\u0000c\u2028", "socket", 7));
        assertFalse(line.contains("\n"));
        assertEquals("a\nb\u0000c\u2028", JsonParser.parseString(line).getAsJsonObject().get("line").getAsString());
    }

    @Test
    void aRefusedRequalificationIsAuditedWithItsReviewerAndReasonAndNothingElseOfTheLine() {
        String line = "{\"eventId\":\"U-1\",\"wardId\":\"ICU-2\",\"occurredAt\":\"2026-11-21T08:00:00Z\","
                + "\"harmLevel\":\"none\",\"status\":\"requalified\",\"category\":\"fall\",\"reviewedBy\":"
                + "\"dr.lee\",\"reviewedAt\":\"2026-11-22T09:00:00Z\",\"patientRef\":\"tok\",\"description\":"
                + "\"<redacted>\"}";
        String audit = JsonCodec.auditRefusal(org.hospital.incidents.model.Rejection.of(
                "eventId U-1 is unknown to the ledger", line, "kafka:t/0/7", 1000L));
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(audit).getAsJsonObject();
        assertEquals("requalification-refused", json.get("action").getAsString());
        assertEquals("dr.lee", json.get("reviewedBy").getAsString());
        assertEquals("fall", json.get("category").getAsString());
        assertEquals("eventId U-1 is unknown to the ledger", json.get("reason").getAsString());
        assertEquals(1000L, json.get("batchTime").getAsLong());
        org.junit.jupiter.api.Assertions.assertFalse(audit.contains("tok") || audit.contains("redacted"), audit);
        org.junit.jupiter.api.Assertions.assertNull(JsonCodec.auditRefusal(org.hospital.incidents.model.Rejection.of(
                "missing required field 'eventId'", "{\"wardId\":\"W\"}", "socket", 1L)), "not a re-qualification");
        org.junit.jupiter.api.Assertions.assertNull(JsonCodec.auditRefusal(org.hospital.incidents.model.Rejection.of(
                "not a JSON object", "not json", "socket", 1L)));
    }
}

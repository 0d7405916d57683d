package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.stream.sink.JsonCodec;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Amendment;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;

/** The incident ledger through the whole graph (docs/DESIGN.md "The incident ledger"), batch by batch. */
class LedgerGraphTest {

    /** Window 4 s, slide 1 s: every batch is a slide, so windows of each batch are visible. */
    private static final GraphSettings SETTINGS = GraphHarness.settings(1, 4, 1, 100, 2, 2);

    private static String report(String eventId, String ward, String harm, String category, String updatedAt) {
        return "{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"" + ward
                + "\",\"harmLevel\":\"" + harm + "\"" + (category == null ? "" : ",\"category\":\"" + category + "\"")
                + (updatedAt == null ? "" : ",\"updatedAt\":\"" + updatedAt + "\"")
                + ",\"patientRef\":\"P-MARKER-1\",\"description\":\"D-MARKER-1\"}";
    }

    private static String requalified(String eventId, String ward, String category) {
        return "{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"" + ward
                + "\",\"harmLevel\":\"mild\",\"status\":\"requalified\",\"category\":\"" + category
                + "\",\"reviewedBy\":\"dr.lee\",\"reviewedAt\":\"2026-11-21T09:00:00Z\"}";
    }

    private static List<String> reasons(GraphHarness harness, long batchTime) {
        return harness.<Rejection>output("rejected", batchTime).stream().map(Rejection::reason).sorted().toList();
    }

    private static List<Alert> critical(GraphHarness harness) {
        return harness.all("critical-alerts").stream().flatMap(c -> c.records().stream()).map(Alert.class::cast)
                .toList();
    }

    @Test
    void amendmentsMoveCountsBetweenHarmLevelsCategoriesAndWardsAndRaiseOneAlertWhenHarmRisesToSevere()
            throws Exception {
        List<List<String>> batches = Arrays.asList(
                // Batch 1 (t=1000): four first sightings.
                List.of(report("UP", "ICU-2", "mild", "fall", "2026-11-21T08:00:00Z"),
                        report("DOWN", "ICU-2", "severe", "medication", null),
                        report("MOVE", "ICU-2", "none", "fall", "2026-11-21T08:00:00Z"),
                        report("CAT", "ED-1", "none", "fall", null)),
                // Batch 2 (t=2000): UP re-graded to death, DOWN re-graded to mild, MOVE corrected to ED-1,
                // CAT re-categorised; an identical repeat of CAT's first version; UP with an older updatedAt.
                List.of(report("UP", "ICU-2", "death", "fall", "2026-11-21T10:00:00Z"),
                        report("DOWN", "ICU-2", "mild", "medication", "2026-11-21T10:00:00Z"),
                        report("MOVE", "ED-1", "none", "fall", "2026-11-21T10:00:00Z"),
                        report("CAT", "ED-1", "none", "medication", "2026-11-21T10:00:00Z"),
                        report("CAT", "ED-1", "none", "fall", null),
                        report("UP", "ICU-2", "mild", "fall", "2026-11-21T07:00:00Z")),
                // Batch 3 (t=3000): an amendment arriving with its original in the same batch, in reverse order.
                List.of(report("PAIR", "MAT-1", "severe", "fall", "2026-11-21T11:00:00Z"),
                        report("PAIR", "MAT-1", "mild", "fall", "2026-11-21T09:00:00Z")));
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(3);

            Map<String, WardTotal> first = byWard(harness.output("ward-totals", 1000));
            assertEquals(3, first.get("ICU-2").state().total());
            assertEquals(1, first.get("ED-1").state().total());

            Map<String, WardTotal> second = byWard(harness.output("ward-totals", 2000));
            WardTotal icu = second.get("ICU-2");
            assertEquals(2, icu.state().total(), "MOVE left ICU-2; UP and DOWN stay");
            assertEquals(1, icu.state().count(HarmLevel.DEATH), "UP re-graded up");
            assertEquals(1, icu.state().count(HarmLevel.MILD), "DOWN re-graded down");
            assertEquals(0, icu.state().count(HarmLevel.SEVERE));
            assertEquals(0, icu.state().count(HarmLevel.NONE));
            assertEquals(2, icu.state().amended(), "UP and DOWN amended in ICU-2");
            WardTotal ed = second.get("ED-1");
            assertEquals(2, ed.state().total(), "CAT and MOVE");
            assertEquals(1, ed.state().count(EventCategory.MEDICATION), "CAT re-categorised");
            assertEquals(1, ed.state().count(EventCategory.FALL), "MOVE's fall");
            assertEquals(2, ed.state().amended(), "MOVE's amendment counts in its new ward, CAT's in its own");
            assertTrue(JsonCodec.wardTotal(ed).contains("\"amended\":2"));

            assertEquals(List.of("duplicate eventId (first seen 1000)", "duplicate eventId (first seen 1000)"),
                    reasons(harness, 2000), "the identical repeat and the older updatedAt are duplicates");
            assertTrue(harness.<Rejection>output("rejected", 2000).stream().noneMatch(r -> r.line()
                    .contains("P-MARKER-1") || r.line().contains("D-MARKER-1")), "the duplicates' lines are masked");

            List<Alert> alerts = critical(harness);
            assertEquals(List.of("CRITICAL:DOWN", "CRITICAL:PAIR:amended:1795258800000",
                    "CRITICAL:UP:amended:1795255200000"), alerts.stream().map(Alert::alertId).sorted().toList(),
                    "DOWN as first reported; UP once, when raised to death; PAIR once, its mild original applied "
                            + "first and raised by its amendment; no alert for a lowered grade");
            Alert up = alerts.stream().filter(a -> a.eventId().equals("UP")).findFirst().orElseThrow();
            assertTrue(up.amended());
            assertTrue(JsonCodec.alert(up).contains("\"amended\":true"));
            assertEquals(2000, up.batchTime());

            List<Amendment> amendments = harness.output("amendments", 2000);
            assertEquals(List.of("CAT", "DOWN", "MOVE", "UP"), amendments.stream().map(Amendment::eventId).sorted()
                    .toList());
            String move = amendments.stream().filter(a -> a.eventId().equals("MOVE"))
                    .map(a -> JsonCodec.amendment(a, 2000)).findFirst().orElseThrow();
            assertEquals("{\"eventId\":\"MOVE\",\"wardId\":\"ED-1\",\"fromWardId\":\"ICU-2\",\"changes\":{\"wardId\":"
                    + "[\"ICU-2\",\"ED-1\"],\"updatedAt\":[\"2026-11-21T08:00:00Z\",\"2026-11-21T10:00:00Z\"]},"
                    + "\"updatedAt\":\"2026-11-21T10:00:00Z\",\"batchTime\":2000}", move);
            String cat = amendments.stream().filter(a -> a.eventId().equals("CAT"))
                    .map(a -> JsonCodec.amendment(a, 2000)).findFirst().orElseThrow();
            assertTrue(cat.contains("\"changes\":{\"category\":[\"fall\",\"medication\"],\"updatedAt\":[null,"),
                    cat);

            // Batch 3: PAIR's original and amendment together: the original counts, the amendment replaces it.
            WardTotal mat = byWard(harness.output("ward-totals", 3000)).get("MAT-1");
            assertEquals(1, mat.state().total());
            assertEquals(1, mat.state().count(HarmLevel.SEVERE));
            assertEquals(0, mat.state().count(HarmLevel.MILD));
            assertEquals(1, mat.state().amended());
            assertEquals(1L, harness.<Long>output("accepted-counts", 3000).stream().mapToLong(Long::longValue).sum());

            long icuWindow = harness.all("ward-windows").stream().flatMap(c -> c.records().stream())
                    .map(WardWindow.class::cast).filter(w -> w.wardId().equals("ICU-2"))
                    .mapToLong(w -> w.counts().count()).max().orElse(0);
            assertEquals(3, icuWindow, "windows count arrivals; amendments do not move them");
            assertEquals(0L, harness.<Long>output("accepted-counts", 2000).stream().mapToLong(Long::longValue).sum(),
                    "amendments and duplicates are not new reports");
        }
    }

    @Test
    void aRequalificationIsCheckedAgainstTheLedgerAndAnAmendmentKeepsThePersonsCategory() throws Exception {
        List<List<String>> batches = Arrays.asList(
                List.of(report("U1", "ICU-2", "mild", null, "2026-11-21T08:00:00Z"),
                        report("U2", "ICU-2", "mild", null, null),
                        report("C1", "ICU-2", "mild", "fall", null)),
                List.of(requalified("U1", "ICU-2", "medication"),
                        requalified("FAKE-1", "ICU-2", "fall"),
                        requalified("U2", "ED-1", "fall"),
                        requalified("C1", "ICU-2", "perinatal")),
                List.of(requalified("U1", "ICU-2", "surgery_or_anesthesia"),
                        // U1 amended (harm re-graded), still unclassified to the reporting system: the person's
                        // category stays.
                        report("U1", "ICU-2", "moderate", null, "2026-11-21T10:00:00Z")),
                // U1 amended with a classified category: the reporting system's wins.
                List.of(report("U1", "ICU-2", "moderate", "fall", "2026-11-21T11:00:00Z")));
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(4);

            assertEquals(List.of("U1", "U2"), harness.<Incident>output("review", 1000).stream()
                    .map(Incident::eventId).sorted().toList());
            assertEquals(List.of("eventId C1 is already classified as fall", "eventId FAKE-1 is unknown to the ledger",
                    "eventId U2 is in ward ICU-2"), reasons(harness, 2000));
            List<Requalification> applied = harness.output("requalifications", 2000);
            assertEquals(List.of("U1"), applied.stream().map(Requalification::eventId).toList());
            WardTotal second = byWard(harness.output("ward-totals", 2000)).get("ICU-2");
            assertEquals(1, second.state().count(EventCategory.UNCLASSIFIED), "U2 still unclassified");
            assertEquals(1, second.state().count(EventCategory.MEDICATION));
            assertEquals(1, second.state().requalified());
            assertNull(byWard(harness.output("ward-totals", 2000)).get("ED-1"), "a refusal changes no ward");

            assertEquals(List.of("eventId U1 already requalified"), reasons(harness, 3000));
            WardTotal third = byWard(harness.output("ward-totals", 3000)).get("ICU-2");
            assertEquals(1, third.state().count(EventCategory.MEDICATION), "the person's category stays");
            assertEquals(1, third.state().count(HarmLevel.MODERATE));
            assertEquals(1, third.state().amended());
            assertTrue(harness.<Incident>output("review", 3000).isEmpty(), "not back to the review queue");

            WardTotal fourth = byWard(harness.output("ward-totals", 4000)).get("ICU-2");
            assertEquals(0, fourth.state().count(EventCategory.MEDICATION));
            assertEquals(2, fourth.state().count(EventCategory.FALL), "C1 and U1, classified by its reporter");
            assertEquals(3, fourth.state().total());
            assertFalse(critical(harness).stream().anyMatch(a -> a.eventId().equals("U1")));
        }
    }

    @Test
    void theArchiveMarksAmendmentsAndKeepsEveryLineOnce() throws Exception {
        List<List<String>> batches = Arrays.asList(
                List.of(report("A", "ICU-2", "mild", null, "2026-11-21T08:00:00Z"), "not json"),
                List.of(report("A", "ICU-2", "severe", null, "2026-11-21T09:00:00Z"),
                        report("A", "ICU-2", "severe", null, "2026-11-21T09:00:00Z"),
                        requalified("A", "ICU-2", "fall")));
        try (GraphHarness harness = GraphHarness.archived(SETTINGS, batches,
                new org.hospital.incidents.archive.CodecArchiveEncoder("gzip"))) {
            harness.runBatches(2);
            assertEquals(List.of("accepted", "rejected"), statuses(harness, 1000));
            assertEquals(List.of("amended", "rejected", "requalified"), statuses(harness, 2000),
                    "the amendment says so, its repeat is a rejected duplicate, as in rejected/");
            assertTrue(archived(harness, 2000).stream().anyMatch(l -> l.contains("\"reason\":\"duplicate eventId "
                    + "(first seen 1000)\"") && l.contains("P-MARKER-1")), "the archive keeps the raw line whole");
            assertTrue(archived(harness, 1000).stream().filter(l -> l.contains("\"accepted\""))
                    .noneMatch(l -> l.contains("P-MARKER-1")), "an accepted entry has the token, never the patientRef");
        }
    }

    private static List<String> archived(GraphHarness harness, long batchTime) throws java.io.IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (Object part : harness.output("archive", batchTime)) {
            byte[] gz = ((scala.Tuple2<byte[], Long>) part)._1();
            try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz)),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            }
        }
        return lines;
    }

    private static List<String> statuses(GraphHarness harness, long batchTime) throws java.io.IOException {
        return archived(harness, batchTime).stream()
                .map(l -> com.google.gson.JsonParser.parseString(l).getAsJsonObject().get("status").getAsString())
                .sorted().toList();
    }
}

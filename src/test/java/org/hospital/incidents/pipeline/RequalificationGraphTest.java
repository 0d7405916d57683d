package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;

/** Human re-qualification through the whole graph (DESIGN.md "Human re-qualification"), batch by batch. */
class RequalificationGraphTest {

    private static String requalified(String eventId, String ward, String harm, String category) {
        return "{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"" + ward
                + "\",\"harmLevel\":\"" + harm + "\",\"status\":\"requalified\""
                + (category == null ? "" : ",\"category\":\"" + category + "\"")
                + ",\"reviewedBy\":\"dr.lee\",\"reviewedAt\":\"2026-11-21T09:00:00Z\"}";
    }

    @Test
    void aRequalificationMovesOneCountOnceWithoutTouchingTotalsWindowsOrAlerts() throws Exception {
        GraphSettings settings = GraphHarness.settings(1, 4, 1, 100, 2, 2);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("U1", "ICU-2", "severe", "Medication"), incident("U2", "ICU-2", "mild", null),
                        incident("F1", "ICU-2", "mild", "fall"), incident("E1", "ED-1", "none", "fall")),
                List.of(requalified("U1", "ICU-2", "severe", "medication"),
                        requalified("U1", "ICU-2", "severe", "fall"),
                        requalified("E9", "ED-1", "none", "fall"),
                        requalified("U2", "ICU-2", "mild", "not-a-category"),
                        requalified("U2", "ICU-2", "mild", null)),
                List.of(requalified("U1", "ICU-2", "severe", "perinatal"),
                        requalified("U2", "ICU-2", "mild", "device_or_supply")));
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(3);

            List<Incident> review = harness.output("review", 1000);
            assertEquals(List.of("U1", "U2"), review.stream().map(Incident::eventId).sorted().toList(),
                    "the unclassified reports go to the review queue");
            assertEquals("Medication", review.stream().filter(r -> r.eventId().equals("U1")).findFirst()
                    .orElseThrow().reportedCategory());

            WardTotal before = byWard(harness.output("ward-totals", 1000)).get("ICU-2");
            assertEquals(2, before.state().count(EventCategory.UNCLASSIFIED));
            WardTotal after = byWard(harness.output("ward-totals", 2000)).get("ICU-2");
            assertEquals(3, after.state().total(), "total unchanged");
            assertEquals(1, after.state().count(HarmLevel.SEVERE), "harm levels unchanged");
            assertEquals(1, after.state().count(EventCategory.UNCLASSIFIED));
            assertEquals(1, after.state().count(EventCategory.FALL) + after.state().count(EventCategory.MEDICATION)
                    - 1, "one of the two decisions for U1 applied");
            assertEquals(1, after.state().requalified());
            List<Requalification> applied = harness.output("requalifications", 2000);
            assertEquals(List.of("U1"), applied.stream().map(Requalification::eventId).toList());

            assertEquals(List.of("eventId E9 is unknown to the ledger", "eventId U1 already requalified",
                    "requalified report needs one of the ten categories, got 'not-a-category'",
                    "requalified report needs one of the ten categories, got none"),
                    harness.<Rejection>output("rejected", 2000).stream().map(Rejection::reason).sorted().toList());
            assertTrue(byWard(harness.output("ward-totals", 2000)).get("ED-1") == null,
                    "a refused re-qualification changes nothing in its ward");

            WardTotal last = byWard(harness.output("ward-totals", 3000)).get("ICU-2");
            assertEquals(0, last.state().count(EventCategory.UNCLASSIFIED));
            assertEquals(1, last.state().count(EventCategory.DEVICE_OR_SUPPLY));
            assertEquals(2, last.state().requalified());
            assertEquals(3, last.state().total());
            assertEquals(List.of("eventId U1 already requalified"), harness.<Rejection>output("rejected", 3000)
                    .stream().map(Rejection::reason).toList(), "the same eventId re-qualified again: nothing moves");

            List<Alert> critical = harness.all("critical-alerts").stream().flatMap(c -> c.records().stream())
                    .map(Alert.class::cast).toList();
            assertEquals(List.of("CRITICAL:U1"), critical.stream().map(Alert::alertId).toList(),
                    "no second CRITICAL alert for a re-qualified severe report");
            long windowCount = harness.all("ward-windows").stream().flatMap(c -> c.records().stream())
                    .map(WardWindow.class::cast).filter(w -> w.wardId().equals("ICU-2"))
                    .mapToLong(w -> w.counts().count()).max().orElse(0);
            assertEquals(3, windowCount, "windows count reports, not re-qualifications");
            assertEquals(0L, harness.<Long>output("accepted-counts", 2000).stream().mapToLong(Long::longValue).sum(),
                    "a re-qualification is not a new report");
        }
    }
}

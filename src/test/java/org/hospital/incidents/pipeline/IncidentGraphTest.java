package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;

/** The whole graph on a real local Spark, batch by batch under a manual clock. */
class IncidentGraphTest {

    @Test
    void keepsRunningTotalsPerWardAcrossBatchesAndWritesOnlyChangedWards() throws Exception {
        GraphSettings settings = GraphHarness.settings(1, 4, 2, 100, 2, 2);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("A1", "ICU-2", "severe", "medication"), incident("A2", "ICU-2", "mild", "fall"),
                        incident("B1", "ED-1", "none", "unknown-category")),
                List.of(incident("A3", "ICU-2", "death", "fall")),
                null,
                List.of(incident("B2", "ED-1", "moderate", "fall"), incident("B3", "ED-1", "none", null)));
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(4);

            Map<String, WardTotal> first = byWard(harness.output("ward-totals", 1000));
            assertEquals(2, first.get("ICU-2").state().total());
            assertEquals(1, first.get("ICU-2").state().count(HarmLevel.SEVERE));
            assertEquals(1, first.get("ICU-2").state().count(EventCategory.FALL));
            assertEquals(1, first.get("ED-1").state().total());
            assertEquals(1, first.get("ED-1").state().count(EventCategory.UNCLASSIFIED));
            assertEquals(1000, first.get("ED-1").batchTime());

            // Batch 2 touches ICU-2 only: ED-1 is unchanged and not written again.
            Map<String, WardTotal> second = byWard(harness.output("ward-totals", 2000));
            assertEquals(List.of("ICU-2"), List.copyOf(second.keySet()));
            assertEquals(3, second.get("ICU-2").state().total());
            assertEquals(1, second.get("ICU-2").state().count(HarmLevel.DEATH));
            assertEquals(2, second.get("ICU-2").state().count(EventCategory.FALL));

            assertTrue(harness.output("ward-totals", 3000).isEmpty(), "empty batch changes no ward");

            Map<String, WardTotal> fourth = byWard(harness.output("ward-totals", 4000));
            assertEquals(3, fourth.get("ED-1").state().total());
            assertEquals(2, fourth.get("ED-1").state().count(HarmLevel.NONE));
            assertEquals(1, fourth.get("ED-1").state().count(HarmLevel.MODERATE));
            assertEquals(2, fourth.get("ED-1").state().count(EventCategory.UNCLASSIFIED));

            List<Alert> critical1 = harness.output("critical-alerts", 1000);
            assertEquals(List.of("CRITICAL:A1"), critical1.stream().map(Alert::alertId).toList());
            List<Alert> critical2 = harness.output("critical-alerts", 2000);
            assertEquals(List.of("CRITICAL:A3"), critical2.stream().map(Alert::alertId).toList());
            assertEquals(HarmLevel.DEATH, critical2.get(0).harmLevel());
        }
    }

    @Test
    void writesEachEventTimeWindowAReportChangedAndRaisesOneSurgeWhenAWardReachesTheThreshold() throws Exception {
        // Window 4 s, slide 2 s, threshold 3. Every report here occurred at 08:00:00, which lies in two windows:
        // [07:59:58, 08:00:02) and [08:00:00, 08:00:04). Counts by batch:
        //   1: W 2, X 1   2: W 4 (>= 3: one SURGE, for the earlier window; the overlapping one is the same burst)
        //   3: W 5 (no second SURGE)   4: X 2   5-8: nothing changes, no line
        GraphSettings settings = GraphHarness.settings(1, 4, 2, 3, 2, 2);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("W1", "W", "mild", null), incident("W2", "W", "none", null),
                        incident("X1", "X", "mild", null)),
                List.of(incident("W3", "W", "mild", null), incident("W4", "W", "severe", null)),
                List.of(incident("W5", "W", "mild", null)),
                List.of(incident("X2", "X", "mild", null)),
                null, null, null, null);
        long at = Instant.parse("2026-11-21T08:00:00Z").toEpochMilli();
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(8);

            List<WardWindow> first = harness.output("ward-windows", 1000);
            assertEquals(4, first.size(), "two windows per ward: " + first);
            WardWindow w1 = first.stream().filter(w -> w.wardId().equals("W") && w.windowStartMillis() == at - 2000)
                    .findFirst().orElseThrow();
            assertEquals(at + 2000, w1.windowEndMillis());
            assertEquals(2, w1.counts().count());
            List<WardWindow> second = harness.output("ward-windows", 2000);
            assertEquals(List.of("W", "W"), second.stream().map(WardWindow::wardId).toList(), "only W changed");
            assertTrue(second.stream().allMatch(w -> w.counts().count() == 4
                    && w.counts().count(HarmLevel.SEVERE) == 1));
            assertTrue(harness.<WardWindow>output("ward-windows", 3000).stream()
                    .allMatch(w -> w.counts().count() == 5));
            assertTrue(harness.<WardWindow>output("ward-windows", 4000).stream()
                    .allMatch(w -> w.wardId().equals("X") && w.counts().count() == 2));
            for (int batch = 5; batch <= 8; batch++) {
                assertTrue(harness.output("ward-windows", batch * 1000L).isEmpty(), "no change, no line");
            }

            assertTrue(harness.output("surge-alerts", 1000).isEmpty());
            List<Alert> surge2 = harness.output("surge-alerts", 2000);
            assertEquals(List.of("SURGE:W:" + (at - 2000)), surge2.stream().map(Alert::alertId).toList());
            assertEquals(4, surge2.get(0).count());
            assertEquals(3, surge2.get(0).limit());
            for (int batch = 3; batch <= 8; batch++) {
                assertTrue(harness.output("surge-alerts", batch * 1000L).isEmpty(), "one SURGE per burst");
            }
        }
    }

    @Test
    void keepsRejectedLinesWithReasonAndCountsTheGoodLinesAroundThem() throws Exception {
        GraphSettings settings = GraphHarness.settings(1, 2, 1, 100, 2, 2);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("G1", "ICU-2", "mild", null), "{\"eventId\":", "   ",
                        incident("G2", "ICU-2", "none", null), "[1,2]",
                        incident("G3", "ICU-2", "catastrophic", null)),
                List.of(incident("G4", "ICU-2", "mild", null)));
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(2);

            List<Rejection> rejected = harness.output("rejected", 1000);
            assertEquals(3, rejected.size(), "blank lines are ignored, not rejected");
            List<String> reasons = rejected.stream().map(Rejection::reason).sorted().toList();
            assertTrue(reasons.get(0).startsWith("malformed JSON"), reasons.toString());
            assertEquals("not a JSON object (found an array)", reasons.get(1));
            assertTrue(reasons.get(2).startsWith("unknown harmLevel 'catastrophic'"));
            assertTrue(rejected.stream().allMatch(r -> r.source().equals("socket") && r.batchTime() == 1000));

            List<Long> accepted = harness.output("accepted-counts", 1000);
            assertEquals(2, accepted.stream().mapToLong(Long::longValue).sum());
            assertEquals(3, byWard(harness.output("ward-totals", 2000)).get("ICU-2").state().total());
        }
    }
}

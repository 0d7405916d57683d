package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
        GraphSettings settings = new GraphSettings(1, 4, 2, 100, 2, 2, 10);
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
    void raisesSurgeAlertWhenWardReachesThresholdInWindowAndNotBelow() throws Exception {
        // batch 1 s, window 4 s, slide 2 s, threshold 3. The manual clock starts at 0, so batch i runs at
        // (i + 1) s and the window stream produces at 2 s, 4 s, 6 s, 8 s. The window ending at T holds the
        // batches in (T - 4 s, T]:
        //   T=2s: batches 1s,2s       -> W: 2 + 2 = 4   >= 3 SURGE;  X: 1       no surge
        //   T=4s: batches 1s..4s      -> W: 2+2+1 = 5   >= 3 SURGE;  X: 1 + 1   no surge
        //   T=6s: batches 3s..6s      -> W: 1           no surge;    X: 1 (4s)  no surge
        //   T=8s: batches 5s..8s      -> W: 0, X: 0     both wards dropped from the window (count 0)
        GraphSettings settings = new GraphSettings(1, 4, 2, 3, 2, 2, 4);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("W1", "W", "mild", null), incident("W2", "W", "none", null),
                        incident("X1", "X", "mild", null)),
                List.of(incident("W3", "W", "mild", null), incident("W4", "W", "severe", null)),
                List.of(incident("W5", "W", "mild", null)),
                List.of(incident("X2", "X", "mild", null)),
                null, null, null, null);
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(8);

            Map<String, WardWindow> at2 = windowsByWard(harness.output("ward-windows", 2000));
            assertEquals(4, at2.get("W").counts().count());
            assertEquals(1, at2.get("W").counts().count(HarmLevel.SEVERE));
            assertEquals(-2000, at2.get("W").windowStartMillis());
            assertEquals(2000, at2.get("W").windowEndMillis());
            assertEquals(1, at2.get("X").counts().count());
            assertEquals(5, windowsByWard(harness.output("ward-windows", 4000)).get("W").counts().count());
            assertEquals(2, windowsByWard(harness.output("ward-windows", 4000)).get("X").counts().count());
            assertEquals(1, windowsByWard(harness.output("ward-windows", 6000)).get("W").counts().count());
            assertTrue(harness.output("ward-windows", 8000).isEmpty(), "wards whose count fell to 0 are dropped");
            assertTrue(harness.output("ward-windows", 3000).isEmpty(), "no window between slides");

            List<Alert> surge2 = harness.output("surge-alerts", 2000);
            assertEquals(List.of("SURGE:W:2000"), surge2.stream().map(Alert::alertId).toList());
            assertEquals(4, surge2.get(0).count());
            assertEquals(List.of("SURGE:W:4000"),
                    harness.<Alert>output("surge-alerts", 4000).stream().map(Alert::alertId).toList());
            assertTrue(harness.output("surge-alerts", 6000).isEmpty());
            assertTrue(harness.output("surge-alerts", 8000).isEmpty());
        }
    }

    @Test
    void keepsRejectedLinesWithReasonAndCountsTheGoodLinesAroundThem() throws Exception {
        GraphSettings settings = new GraphSettings(1, 2, 1, 100, 2, 2, 2);
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

    private static Map<String, WardWindow> windowsByWard(List<WardWindow> windows) {
        return windows.stream().collect(Collectors.toMap(WardWindow::wardId, w -> w));
    }
}

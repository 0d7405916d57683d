package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.Lines.incidentAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;

/**
 * Event-time windows, lateness and the once-per-burst SURGE on a real local Spark, batch by batch under a manual
 * clock (docs/DESIGN.md "Surges in event time").
 */
class EventTimeGraphTest {

    /** The shipped window, slide and threshold: 60 s, 5 s, 10. */
    private static final GraphSettings SETTINGS = GraphHarness.settings(1, 60, 5, 10, 2, 2);
    private static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");

    /** An hour of steady reports: one per second of occurredAt over 10 wards, 6 per ward per minute. */
    private static List<String> steadyHour(String prefix) {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < 3600; s++) {
            lines.add(incidentAt(prefix + s, "W-" + (s % 10), "mild", T0.plusSeconds(s).toString()));
        }
        return lines;
    }

    /** Twelve reports in ward W-3 within 24 s of occurredAt from 08:30:01. */
    private static List<String> burst() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(incidentAt("B" + i, "W-3", "moderate", T0.plusSeconds(1801 + 2 * i).toString()));
        }
        return lines;
    }

    /** @return each batch's late reports (the summed {@code late-counts} of its partitions), in the order given */
    private static List<Long> late(GraphHarness harness, long... batchTimes) {
        List<Long> late = new ArrayList<>();
        for (long batchTime : batchTimes) {
            late.add(harness.<Long>output("late-counts", batchTime).stream().mapToLong(Long::longValue).sum());
        }
        return late;
    }

    private static List<Alert> allSurges(GraphHarness harness) {
        List<Alert> all = new ArrayList<>();
        harness.all("surge-alerts").forEach(batch -> batch.records().forEach(a -> all.add((Alert) a)));
        return all;
    }

    @Test
    void aSteadyBacklogArrivingInOneBatchRaisesNoSurge() throws Exception {
        try (GraphHarness harness = new GraphHarness(SETTINGS, List.of(steadyHour("S")))) {
            harness.runBatches(1);
            assertEquals(List.of(), allSurges(harness), "an hour of 6 per ward per minute pages nobody");
            List<WardWindow> windows = harness.output("ward-windows", 1000);
            // One line per ward and window (start a multiple of 5 s) holding at least one of its reports.
            long expected = 0;
            for (int ward = 0; ward < 10; ward++) {
                java.util.Set<Long> starts = new java.util.HashSet<>();
                for (int s = ward; s < 3600; s += 10) {
                    long at = T0.plusSeconds(s).toEpochMilli();
                    for (long start = Math.floorDiv(at - 60_000, 5_000) * 5_000 + 5_000; start <= at; start += 5_000) {
                        starts.add(start);
                    }
                }
                expected += starts.size();
            }
            assertEquals(expected, windows.size());
            assertTrue(windows.stream().allMatch(w -> w.counts().count() <= 6));
            assertEquals(6, windows.stream().filter(w -> w.wardId().equals("W-0")
                    && w.windowStartMillis() == T0.plusSeconds(600).toEpochMilli()).findFirst().orElseThrow()
                    .counts().count());
        }
    }

    @Test
    void aBurstPlantedInTheBacklogRaisesExactlyOneSurgeInItsWardAndWindow() throws Exception {
        List<String> backlog = new ArrayList<>(steadyHour("S"));
        backlog.addAll(burst());
        Collections.shuffle(backlog, new Random(11));
        try (GraphHarness harness = new GraphHarness(SETTINGS, List.of(backlog))) {
            harness.runBatches(1);
            List<Alert> surges = allSurges(harness);
            assertEquals(1, surges.size(), surges.toString());
            Alert surge = surges.get(0);
            assertEquals("W-3", surge.wardId());
            // W-3's steady reports are at seconds 3, 13, 23...: the first 60 s window (aligned to 5 s) holding 10 of
            // its reports, counted here with a plain loop.
            long expectedStart = firstWindowReaching(backlog, "W-3", 10);
            assertEquals(expectedStart, surge.windowStartMillis());
            assertEquals("SURGE:W-3:" + expectedStart, surge.alertId());
            assertEquals(10, surge.limit());
            assertEquals("threshold", surge.limitSource());
        }
    }

    @Test
    void theSameBurstArrivingOutOfOrderOverSeveralBatchesRaisesItOnce() throws Exception {
        List<String> reports = new ArrayList<>(burst());
        Collections.shuffle(reports, new Random(5));
        List<List<String>> batches = Arrays.asList(reports.subList(0, 4), null, reports.subList(4, 7),
                reports.subList(7, 9), reports.subList(9, 12), null);
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(batches.size());
            List<Alert> surges = allSurges(harness);
            assertEquals(1, surges.size(), surges.toString());
            assertEquals(firstWindowReaching(burst(), "W-3", 10), surges.get(0).windowStartMillis(),
                    "the earliest window of the burst, whatever the arrival order");
        }
    }

    @Test
    void aWardIsJudgedAgainstItsOwnLimitAndAWardWithoutOneAgainstTheThreshold() throws Exception {
        long[] table = new long[WardLimits.HOURS_OF_WEEK];
        java.util.Arrays.fill(table, 4);
        SurgeLimits limits = new SurgeLimits(60, Map.of("ICU-2", WardLimits.history(10, table,
                "history 2025-01-01..2025-12-31", "UTC")), WardLimits.threshold(10));
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(incidentAt("I" + i, "ICU-2", "mild", T0.plusSeconds(i).toString()));
            batch.add(incidentAt("E" + i, "ED-1", "mild", T0.plusSeconds(i).toString()));
        }
        try (GraphHarness harness = GraphHarness.limited(SETTINGS, List.of(batch), () -> limits)) {
            harness.runBatches(1);
            List<Alert> surges = allSurges(harness);
            assertEquals(List.of("ICU-2"), surges.stream().map(Alert::wardId).toList(),
                    "5 reports reach ICU-2's limit of 4, not ED-1's threshold of 10");
            assertEquals(4, surges.get(0).limit());
            assertEquals("history 2025-01-01..2025-12-31", surges.get(0).limitSource());
        }
    }

    /** A seeded ward: its counts as a ward-totals line gives them, with the given newest occurredAt. */
    private static WardState seededTotals(long total, Instant lastOccurredAt) {
        long[] harm = new long[HarmLevel.values().length];
        harm[HarmLevel.MODERATE.ordinal()] = total;
        long[] categories = new long[EventCategory.values().length];
        categories[EventCategory.FALL.ordinal()] = total;
        return WardState.restored(total, harm, categories, lastOccurredAt.toEpochMilli(), 0, 0, 0);
    }

    /** @return {@code n} reports one second apart from {@code first}, in 5 s buckets (the harness's slide) */
    private static EventBuckets seededWindow(Instant first, int n) {
        EventBuckets.Builder builder = new EventBuckets.Builder(5_000);
        for (int i = 0; i < n; i++) {
            builder.add(first.plusSeconds(i).toEpochMilli(), HarmLevel.MODERATE);
        }
        return builder.build();
    }

    @Test
    void aNewCheckpointCarriesTheClockAndTheOpenWindowsOn() throws Exception {
        // Before the new checkpoint: W-3 had 9 reports from 08:30:01 (one short of the threshold of 10), W-4 had 10
        // (its SURGE was raised by the run before). The newest occurredAt over the wards was 08:30:10.
        Instant newest = T0.plusSeconds(1810);
        StateSeed seed = new StateSeed(Map.of("W-3", seededTotals(9, newest.minusSeconds(1)),
                "W-4", seededTotals(10, newest), "W-5", seededTotals(3, T0)), null, 168,
                Map.of("W-3", seededWindow(T0.plusSeconds(1801), 9), "W-4", seededWindow(T0.plusSeconds(1801), 10)));
        List<List<String>> batches = Arrays.asList(List.of(
                incidentAt("N3", "W-3", "moderate", newest.plusSeconds(1).toString()),
                incidentAt("N4", "W-4", "moderate", newest.plusSeconds(2).toString()),
                // Behind the carried clock's watermark (newest - 3600 s): late, as it would have been before.
                incidentAt("OLD", "W-5", "mild", newest.minusSeconds(3601).toString())));
        try (GraphHarness harness = GraphHarness.seeded(SETTINGS, batches, seed)) {
            harness.runBatches(1);
            List<Alert> surges = allSurges(harness);
            assertEquals(List.of("W-3"), surges.stream().map(Alert::wardId).toList(),
                    "the 10th report of W-3's burst pages, though 9 came before the new checkpoint; W-4's burst "
                            + "paged before it and does not page again: " + surges);
            assertEquals(10, surges.get(0).count());
            Map<String, WardTotal> totals = GraphHarness.byWard(harness.output("ward-totals", 1000));
            assertEquals(10, totals.get("W-3").state().total());
            assertEquals(1, totals.get("W-5").state().late(), "the clock carried on: the old report is late");
            assertEquals(4, totals.get("W-5").state().total());
            List<WardWindow> windows = harness.output("ward-windows", 1000);
            assertTrue(windows.stream().noneMatch(w -> w.wardId().equals("W-5")), "a late report is in no window");
            assertEquals(11, windows.stream().filter(w -> w.wardId().equals("W-4"))
                    .mapToLong(w -> w.counts().count()).max().orElse(0), "W-4's windows count the seeded 10 too");
        }
    }

    /**
     * A Kafka backlog read a fixed number of records per partition and batch, from partitions that hold different
     * shares of the stream (a topic keyed by ward): one partition's event time runs a day ahead of the other's. The
     * harness splits each batch's lines into two input partitions, first half and second half.
     */
    @Test
    void aBacklogReadUnevenlyOverItsPartitionsIsJudgedByThePartitionFurthestBehind() throws Exception {
        // Partition 0: ward FAST, one report every 240 s, about a day a batch. Partition 1: ward SLOW, one every 10 s
        // (6 per window, under the threshold), about an hour a batch, with a burst of 12 in 24 s in the second hour.
        int perBatch = 372;
        List<List<String>> batches = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                lines.add(incidentAt("F" + b + "-" + i, "FAST", "mild", T0.plusSeconds(89_280L * b + 240L * i)
                        .toString()));
            }
            for (int i = 0; i < perBatch - (b == 1 ? 12 : 0); i++) {
                lines.add(incidentAt("S" + b + "-" + i, "SLOW", "mild", T0.plusSeconds(3_720L * b + 10L * i)
                        .toString()));
            }
            if (b == 1) {
                for (int i = 0; i < 12; i++) {
                    lines.add(incidentAt("B" + i, "SLOW", "moderate", T0.plusSeconds(5_401 + 2 * i).toString()));
                }
            }
            batches.add(lines);
        }
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(2);
            // Before the second batch the newest report is FAST's, a day on; SLOW's partition is an hour in. Judged
            // by the newest over both, every SLOW report of the second batch would be late and its burst lost.
            assertEquals(List.of(0L), late(harness, 2000),
                    "nothing is late: the watermark follows the partition furthest behind");
            List<Alert> surges = allSurges(harness);
            assertEquals(1, surges.size(), surges.toString());
            assertEquals("SLOW", surges.get(0).wardId());
            assertEquals(firstWindowReaching(batches.get(1), "SLOW", 10), surges.get(0).windowStartMillis());
            WardTotal slow = GraphHarness.byWard(harness.output("ward-totals", 2000)).get("SLOW");
            assertEquals(2L * perBatch, slow.state().total());
            assertEquals(0, slow.state().late());
        }
    }

    /** Once the slow partition has caught up, the clock is the newest report again: an old report is late. */
    @Test
    void oncePartitionsAreLevelTheWatermarkIsTheNewestReportAgain() throws Exception {
        Instant newest = T0.plusSeconds(86_400);
        List<List<String>> batches = Arrays.asList(
                // Partition 0 a day ahead, partition 1 at T0.
                List.of(incidentAt("A", "FAST", "mild", newest.toString()),
                        incidentAt("B", "SLOW", "mild", T0.toString())),
                // SLOW's backlog goes on in both partitions: judged by T0, not late.
                List.of(incidentAt("C", "SLOW", "mild", T0.plusSeconds(600).toString()),
                        incidentAt("D", "SLOW", "mild", T0.plusSeconds(700).toString())),
                // SLOW has caught up.
                List.of(incidentAt("E", "SLOW", "mild", newest.minusSeconds(10).toString()),
                        incidentAt("F", "SLOW", "mild", newest.minusSeconds(5).toString())),
                List.of(incidentAt("OLD", "SLOW", "mild", newest.minusSeconds(3_700).toString())));
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(4);
            assertEquals(List.of(0L, 0L, 1L), late(harness, 2000, 3000, 4000),
                    "C and D are judged by partition 1's T0; OLD by the newest report, the partitions being level");
        }
    }

    /**
     * A partition that brings only reports behind the watermark (a downtime form fed in through Kafka) does not hold
     * the clock back: late reports do not count as the partition's progress.
     */
    @Test
    void aPartitionBringingOnlyLateReportsDoesNotHoldTheClockBack() throws Exception {
        Instant now = T0.plusSeconds(86_400);
        List<List<String>> batches = Arrays.asList(
                List.of(incidentAt("A", "ICU-1", "mild", now.toString()),
                        incidentAt("B", "ED-1", "mild", now.toString())),
                // Partition 0: a downtime form's report two hours old (late); partition 1 moves on 600 s.
                List.of(incidentAt("FORM", "ICU-1", "mild", now.minusSeconds(7_200).toString()),
                        incidentAt("C", "ED-1", "mild", now.plusSeconds(600).toString())),
                // Behind now + 600 s - 3600 s: late. Had the form held the clock at now, it would be on time.
                List.of(incidentAt("D", "ED-1", "mild", now.minusSeconds(3_300).toString())));
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(3);
            assertEquals(List.of(1L, 1L), late(harness, 2000, 3000));
        }
    }

    @Test
    void aReportBehindTheWatermarkCountsInTheTotalsButInNoWindow() throws Exception {
        Instant newest = T0.plusSeconds(7200);
        List<List<String>> batches = Arrays.asList(
                List.of(incidentAt("N", "ICU-2", "mild", newest.toString())),
                // The watermark is now newest - 3600 s.
                List.of(incidentAt("IN", "ICU-2", "mild", newest.minusSeconds(3599).toString()),
                        incidentAt("OUT", "ICU-2", "mild", newest.minusSeconds(3601).toString())),
                List.of(incidentAt("OUT2", "ICU-2", "severe", newest.minusSeconds(7000).toString())));
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(3);
            WardTotal second = GraphHarness.byWard(harness.output("ward-totals", 2000)).get("ICU-2");
            assertEquals(3, second.state().total(), "a late report is counted in the totals");
            assertEquals(1, second.state().late());
            List<WardWindow> windows = harness.output("ward-windows", 2000);
            long inside = newest.minusSeconds(3599).toEpochMilli();
            assertTrue(windows.stream().anyMatch(w -> w.windowStartMillis() <= inside && inside < w.windowEndMillis()));
            assertTrue(windows.stream().allMatch(w -> w.counts().count() == 1),
                    "the late report is in no window, not even those it shares with the on-time one: " + windows);
            assertEquals(List.of(1L), late(harness, 2000));
            WardTotal third = GraphHarness.byWard(harness.output("ward-totals", 3000)).get("ICU-2");
            assertEquals(4, third.state().total());
            assertEquals(2, third.state().late());
            assertEquals(List.of(), harness.output("ward-windows", 3000));
            assertEquals(List.of("CRITICAL:OUT2"), harness.<Alert>output("critical-alerts", 3000).stream()
                    .map(Alert::alertId).toList(), "a late report still raises its CRITICAL alert");
        }
    }

    @Test
    void aReportMoreThanMaxFutureSecondsAfterTheBatchTimeIsRejected() throws Exception {
        GraphSettings settings = new GraphSettings(1, 60, 5, 10, 2, 2, 3600, 300);
        long start = T0.toEpochMilli();
        Instant batchTime = T0.plusSeconds(1);
        List<List<String>> batches = List.of(List.of(
                incidentAt("SOON", "ICU-2", "mild", batchTime.plusSeconds(299).toString()),
                incidentAt("LATER", "ICU-2", "mild", batchTime.plusSeconds(301).toString())));
        try (GraphHarness harness = new GraphHarness(settings, batches).startClockAt(start)) {
            harness.runBatches(1);
            List<Rejection> rejected = harness.output("rejected", batchTime.toEpochMilli());
            assertEquals(List.of("occurredAt " + batchTime.plusSeconds(301) + " is in the future"),
                    rejected.stream().map(Rejection::reason).toList());
            assertEquals(1, GraphHarness.byWard(harness.output("ward-totals", batchTime.toEpochMilli()))
                    .get("ICU-2").state().total());
        }
    }

    @Test
    void theWatermarkIsTheNewestOverEveryWardAndSurvivesADriverRestart() throws Exception {
        Instant newest = T0.plusSeconds(7200);
        // ICU-2 sets the clock; ED-1's own reports are older. The watermark is the stream's (newest - 3600 s), not
        // ED-1's: after the restart its report at newest - 3601 s is late, the one at newest - 3599 s on time.
        List<List<String>> batches = Arrays.asList(
                List.of(incidentAt("N", "ICU-2", "mild", newest.toString())),
                List.of(incidentAt("OLD", "ED-1", "mild", T0.toString())),
                null, null,
                List.of(incidentAt("OUT", "ED-1", "mild", newest.minusSeconds(3601).toString()),
                        incidentAt("IN", "ED-1", "mild", newest.minusSeconds(3599).toString())),
                null);
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(4);
            // The manual clock restarts at the last checkpoint (4 s): batch 4 again, then 5 and 6.
            harness.restartFromCheckpoint();
            harness.runBatches(batches.size() - 4);
            WardTotal ed = GraphHarness.byWard(harness.output("ward-totals", 5000)).get("ED-1");
            assertTrue(ed != null, "ward totals: " + harness.all("ward-totals"));
            assertEquals(3, ed.state().total());
            assertEquals(2, ed.state().late(), "OLD and OUT are behind the watermark kept across the restart");
            assertEquals(List.of(1L), late(harness, 5000));
            long in = newest.minusSeconds(3599).toEpochMilli();
            List<WardWindow> windows = harness.output("ward-windows", 5000);
            assertTrue(windows.stream().allMatch(w -> w.wardId().equals("ED-1") && w.counts().count() == 1
                    && w.windowStartMillis() <= in && in < w.windowEndMillis()), "only IN is windowed: " + windows);
        }
    }

    @Test
    void windowsAndSurgesAreExactAfterADriverRestartMidWindow() throws Exception {
        List<String> reports = burst();
        List<List<String>> batches = Arrays.asList(reports.subList(0, 5), reports.subList(5, 8), null, null,
                reports.subList(8, 10), reports.subList(10, 12), null);
        // The same batches without a restart give the reference.
        Map<Long, Long> reference;
        List<String> referenceSurges;
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(batches.size());
            reference = lastCounts(harness);
            referenceSurges = allSurges(harness).stream().map(Alert::alertId).toList();
        }
        try (GraphHarness harness = new GraphHarness(SETTINGS, batches)) {
            harness.runBatches(4);
            harness.restartFromCheckpoint();
            harness.runBatches(batches.size() - 4);
            assertEquals(reference, lastCounts(harness), "every window's count after the restart");
            assertEquals(referenceSurges, allSurges(harness).stream().map(Alert::alertId).distinct().toList());
            assertEquals(1, referenceSurges.size());
        }
    }

    /** Each window's last emitted count, by window start. */
    private static Map<Long, Long> lastCounts(GraphHarness harness) {
        Map<Long, Long> counts = new TreeMap<>();
        harness.all("ward-windows").forEach(batch -> batch.records().forEach(record -> {
            WardWindow window = (WardWindow) record;
            counts.put(window.windowStartMillis(), window.counts().count());
        }));
        return counts;
    }

    /** The first 60 s window (start a multiple of 5 s) holding at least {@code limit} of the ward's reports. */
    private static long firstWindowReaching(List<String> lines, String ward, int limit) {
        List<Long> times = new ArrayList<>();
        for (String line : lines) {
            if (line.contains("\"wardId\":\"" + ward + "\"")) {
                int at = line.indexOf("\"occurredAt\":\"") + 14;
                times.add(Instant.parse(line.substring(at, line.indexOf('"', at))).toEpochMilli());
            }
        }
        long first = Collections.min(times);
        for (long start = Math.floorDiv(first - 60_000, 5_000) * 5_000; ; start += 5_000) {
            long from = start;
            if (times.stream().filter(t -> t >= from && t < from + 60_000).count() >= limit) {
                return start;
            }
        }
    }
}

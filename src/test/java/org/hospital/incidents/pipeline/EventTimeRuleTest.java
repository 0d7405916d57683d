package org.hospital.incidents.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.SurgeWindow;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.WardWindow;
import org.junit.jupiter.api.Test;

/** Event-time windows and the once-per-burst SURGE rule, alone (docs/DESIGN.md "Surges in event time"). */
class EventTimeRuleTest {

    private static final long T0 = Instant.parse("2026-11-23T08:00:00Z").toEpochMilli(); // a Monday
    private static final EventTimeRule RULE = new EventTimeRule(60_000, 5_000);
    private static final WardLimits TEN = WardLimits.threshold(10);

    private static WardChange change(List<Long> occurredAt, long watermark, WardLimits limits) {
        EventBuckets.Builder buckets = new EventBuckets.Builder(RULE.bucketMillis());
        WardState delta = WardState.empty();
        for (long at : occurredAt) {
            buckets.add(at, HarmLevel.MILD);
        }
        return new WardChange("ICU-2", delta, buckets.build(), watermark, limits, ClockReading.NONE);
    }

    /** One report every 10 s of event time for an hour: 6 per 60 s window, below the threshold of 10. */
    private static List<Long> steadyHour() {
        List<Long> times = new ArrayList<>();
        for (long t = T0; t < T0 + 3_600_000; t += 10_000) {
            times.add(t);
        }
        return times;
    }

    /** Ten reports within 20 s of event time, from {@code start}. */
    private static List<Long> burst(long start) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            times.add(start + i * 2_000L);
        }
        return times;
    }

    private static List<SurgeWindow> surges(List<WardStatus> states) {
        List<SurgeWindow> all = new ArrayList<>();
        states.forEach(state -> all.addAll(state.surges()));
        return all;
    }

    private static long clock(ClockReading... readings) {
        return EventTimeRule.clock(List.of(readings).iterator());
    }

    @Test
    void theClockIsTheNewestReportOfThePartitionFurthestBehindInTheLatestBatchAndNeverMovesBack() {
        long h = 3_600_000;
        assertEquals(Long.MIN_VALUE, clock(), "before any report");
        assertEquals(5 * h, clock(ClockReading.of(5 * h)), "a new checkpoint's seed alone");
        // One partition: the newest report, whichever ward brought it.
        assertEquals(9 * h, clock(new ClockReading(1_000, 2 * h, new long[] {0, 9 * h}),
                new ClockReading(1_000, 2 * h, new long[] {0, 4 * h})));
        // Two partitions, partition 1 a day behind: its newest, over the wards that brought it reports.
        assertEquals(3 * h, clock(new ClockReading(1_000, 2 * h, new long[] {0, 30 * h}),
                new ClockReading(1_000, 2 * h, new long[] {1, h}),
                new ClockReading(1_000, 2 * h, new long[] {1, 3 * h})));
        // A ward last changed in an earlier batch: its partition brought nothing since, and holds nobody back.
        assertEquals(30 * h, clock(new ClockReading(2_000, 2 * h, new long[] {0, 30 * h}),
                new ClockReading(1_000, h, new long[] {1, h})));
        // Never back: a partition behind the clock the latest batch was judged by leaves the clock where it was.
        assertEquals(8 * h, clock(new ClockReading(2_000, 8 * h, new long[] {0, 30 * h, 1, 7 * h})));
        // A batch of amendments only (no first sighting): the clock stays.
        assertEquals(8 * h, clock(new ClockReading(2_000, 8 * h, new long[0]),
                new ClockReading(1_000, h, new long[] {0, 9 * h})));
    }

    @Test
    void twoTasksReadingsOfOneWardAndBatchKeepEachPartitionsNewest() {
        ClockReading one = new ClockReading(1_000, 5, new long[] {0, 10, 2, 30});
        ClockReading two = new ClockReading(1_000, 5, new long[] {1, 20, 2, 40, 3, 1});
        assertEquals(new ClockReading(1_000, 5, new long[] {0, 10, 1, 20, 2, 40, 3, 1}), one.plus(two));
        assertEquals(one.plus(two), two.plus(one));
        ClockReading later = new ClockReading(2_000, 7, new long[] {5, 1});
        assertEquals(later, one.plus(later), "a later batch's reading wins outright");
        assertEquals(later, later.plus(one));
    }

    @Test
    void aSteadyHourArrivingAtOnceRaisesNoSurgeAndCountsEachWindowExactly() {
        WardStatus after = RULE.apply(WardStatus.of(WardState.empty()), change(steadyHour(), Long.MIN_VALUE, TEN));
        assertEquals(List.of(), after.surges(), "a backlog of steady reports pages nobody");
        // Windows start every 5 s; those that contain a report of the hour: from T0 - 55 s to T0 + 3590 s.
        assertEquals((3_590 + 55) / 5 + 1, after.windows().size());
        for (WardWindow window : after.windows()) {
            long expected = 0;
            for (long t : steadyHour()) {
                expected += t >= window.windowStartMillis() && t < window.windowEndMillis() ? 1 : 0;
            }
            assertEquals(expected, window.counts().count(), "window " + window.windowStartMillis());
            assertTrue(window.counts().count() <= 6);
        }
    }

    @Test
    void aBurstInsideTheBacklogRaisesExactlyOneSurgeForItsFirstFullWindow() {
        List<Long> times = new ArrayList<>(steadyHour());
        long burstStart = T0 + 30 * 60_000 + 1_000;
        times.addAll(burst(burstStart));
        Collections.shuffle(times, new Random(7));
        WardStatus after = RULE.apply(WardStatus.of(WardState.empty()), change(times, Long.MIN_VALUE, TEN));
        assertEquals(1, after.surges().size(), after.surges().toString());
        WardWindow window = after.surges().get(0).window();
        // The earliest window that reaches 10: counted with a plain loop over the same reports.
        long expectedStart = Long.MIN_VALUE;
        for (long start = burstStart - 60_000 - 5_000; start <= burstStart + 20_000; start += 5_000) {
            long aligned = Math.floorDiv(start, 5_000) * 5_000;
            long n = times.stream().filter(t -> t >= aligned && t < aligned + 60_000).count();
            if (n >= 10) {
                expectedStart = aligned;
                break;
            }
        }
        assertEquals(expectedStart, window.windowStartMillis());
        assertEquals(10, after.surges().get(0).limit());
        assertEquals("threshold", after.surges().get(0).limitSource());
    }

    @Test
    void theSameBurstSpreadOutOfOrderOverBatchesRaisesItOnce() {
        long burstStart = T0 + 600_000;
        List<Long> times = new ArrayList<>(burst(burstStart));
        times.addAll(List.of(burstStart - 50_000L, burstStart + 50_000L, burstStart + 30_000L));
        Collections.shuffle(times, new Random(3));
        List<WardStatus> states = new ArrayList<>();
        WardStatus state = WardStatus.of(WardState.empty());
        for (int batch = 0; batch < 4; batch++) {
            List<Long> part = times.subList(batch * times.size() / 4, (batch + 1) * times.size() / 4);
            state = RULE.apply(state, change(part, Long.MIN_VALUE, TEN));
            states.add(state);
        }
        assertEquals(1, surges(states).size(), surges(states).toString());
    }

    @Test
    void aSecondBurstAfterTheAlertedWindowPagesAgain() {
        WardStatus first = RULE.apply(WardStatus.of(WardState.empty()), change(burst(T0), Long.MIN_VALUE, TEN));
        WardStatus second = RULE.apply(first, change(burst(T0 + 120_000), Long.MIN_VALUE, TEN));
        assertEquals(1, first.surges().size());
        assertEquals(1, second.surges().size(), "a burst two minutes later does not overlap the alerted window");
        assertTrue(second.surges().get(0).window().windowStartMillis()
                >= first.surges().get(0).window().windowEndMillis());
    }

    @Test
    void anHourAboveTheLimitIsOneBurstKeptAsOneRun() {
        List<Long> busy = new ArrayList<>();
        for (long t = T0; t < T0 + 3_600_000; t += 2_000) {
            busy.add(t);
        }
        WardStatus first = RULE.apply(WardStatus.of(WardState.empty()), change(busy.subList(0, 900),
                Long.MIN_VALUE, TEN));
        WardStatus second = RULE.apply(first, change(busy.subList(900, 1800), Long.MIN_VALUE, TEN));
        assertEquals(1, first.surges().size() + second.surges().size(), "30 per window for an hour pages once");
        assertEquals(2, second.alerted().length, "one run (first, last window start), not a start per window");
    }

    @Test
    void bucketsAWindowCanNoLongerReachAreDropped() {
        WardStatus state = RULE.apply(WardStatus.of(WardState.empty()), change(steadyHour(), Long.MIN_VALUE, TEN));
        long watermark = T0 + 3_000_000;
        WardStatus pruned = RULE.apply(state, change(List.of(T0 + 3_590_000L), watermark, TEN));
        long firstOpen = Math.floorDiv(watermark - 60_000, 5_000) * 5_000 + 5_000;
        assertTrue(pruned.buckets().start(0) >= firstOpen, "buckets before the first open window are dropped");
        assertEquals(state.buckets().from(firstOpen).plus(new EventBuckets.Builder(5_000)
                .add(T0 + 3_590_000L, HarmLevel.MILD).build()), pruned.buckets());
    }

    @Test
    void aWardUsesItsLimitFromHistoryForTheHourAWindowStartsIn() {
        long[] table = new long[WardLimits.HOURS_OF_WEEK];
        table[WardLimits.hourOfWeek(DayOfWeek.MONDAY, 8)] = 3;
        WardLimits learnt = WardLimits.history(10, table, "history 2025-01-01..2025-12-31", "UTC");
        WardStatus monday = RULE.apply(WardStatus.of(WardState.empty()),
                change(List.of(T0 + 1_000, T0 + 2_000, T0 + 3_000), Long.MIN_VALUE, learnt));
        assertEquals(1, monday.surges().size());
        assertEquals(3, monday.surges().get(0).limit());
        assertEquals("history 2025-01-01..2025-12-31", monday.surges().get(0).limitSource());
        long tuesday = T0 + 86_400_000L;
        WardStatus other = RULE.apply(WardStatus.of(WardState.empty()),
                change(List.of(tuesday + 1_000, tuesday + 2_000, tuesday + 3_000), Long.MIN_VALUE, learnt));
        assertEquals(List.of(), other.surges(), "an hour without a learnt limit falls back to the threshold");
    }

    @Test
    void windowsStartAtMultiplesOfTheSlideWhenItDoesNotDivideTheWindow() {
        EventTimeRule rule = new EventTimeRule(60_000, 25_000);
        assertEquals(5_000, rule.bucketMillis());
        WardChange one = new WardChange("W", WardState.empty(), new EventBuckets.Builder(5_000)
                .add(T0 + 7_000, HarmLevel.NONE).build(), Long.MIN_VALUE, TEN,
                new ClockReading(T0, Long.MIN_VALUE, new long[] {0, T0 + 7_000}));
        List<Long> starts = rule.apply(WardStatus.of(WardState.empty()), one).windows().stream()
                .map(WardWindow::windowStartMillis).toList();
        // Windows [s, s + 60 s) with s a multiple of 25 s that hold T0 + 7 s (T0 is a multiple of 25 s).
        assertEquals(List.of(T0 - 50_000, T0 - 25_000, T0), starts);
    }
}

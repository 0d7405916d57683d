package org.hospital.incidents.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The XmR chart and the four special-cause rules (docs/DESIGN.md "The committee report") against series worked by hand:
 * each test writes out the mean, mR̄, the limits and the near-limit band it relies on.
 */
class SpcTest {

    /** Each point's "signals/direction", e.g. {@code "shift;two-of-three/improving"} or {@code "/"}. */
    private static List<String> marks(Spc.Chart chart) {
        List<String> marks = new ArrayList<>();
        chart.points().forEach(p -> marks.add(p.signalCodes() + "/" + p.direction().code()));
        return marks;
    }

    private static List<String> repeat(String mark, int times) {
        return new ArrayList<>(java.util.Collections.nCopies(times, mark));
    }

    @Test
    void aSpikeBeyondTheUpperLimitIsConcerningAndTwelvePointsAreNotTrial() {
        // S = 79, n = 12: mean 6.5833; moving ranges 2,1,2,2,1,2,2,1,15,15,1 = 44, mR̄ = 4;
        // limits 6.5833 ± 10.64 = -4.0567 .. 17.2233 (not clipped at 0); only the 20 is beyond.
        Spc.Chart chart = Spc.xmr(new long[] {4, 6, 5, 7, 5, 6, 4, 6, 5, 20, 5, 6});
        assertEquals(new BigDecimal("6.5833"), Spc.written(chart.mean()));
        assertEquals(new BigDecimal("4.0000"), Spc.written(chart.movingRangeMean()));
        assertEquals(new BigDecimal("-4.0567"), Spc.written(chart.lowerLimit()));
        assertEquals(new BigDecimal("17.2233"), Spc.written(chart.upperLimit()));
        List<String> expected = repeat("/", 12);
        expected.set(9, "outside-limits/concerning");
        assertEquals(expected, marks(chart));
        assertFalse(chart.trial());
        assertEquals(Spc.Variation.COMMON_CAUSE, chart.latestVariation());
    }

    @Test
    void aPointOnTheMeanBreaksARun() {
        // S = 78, n = 13: mean 6 exactly, and the fourth point is 6: the points below are runs of 3 and 3, the ones
        // above a run of 6, so no shift. mR̄ = 28 / 12 = 2.3333, limits 6 ± 6.2067, band 6 ± 4.1378: none beyond.
        Spc.Chart onTheMean = Spc.xmr(new long[] {2, 4, 2, 6, 4, 2, 4, 8, 10, 8, 10, 8, 10});
        assertEquals(new BigDecimal("6.0000"), Spc.written(onTheMean.mean()));
        assertEquals(repeat("/", 13), marks(onTheMean));
        assertFalse(onTheMean.trial());
    }

    @Test
    void sevenBelowTheMeanAreAShiftAndTwoOfThreeNearALimitAreFlagged() {
        // The same series with the fourth point 5: S = 77, mean 5.9231, so the first seven are all below: a shift,
        // improving. mR̄ = 26 / 12 = 2.1667; limits 0.1597 .. 11.6864; band beyond 2.0809 and 9.7653.
        // Below: window (2, 4, 2) has two beyond the band: its 2s are flagged; (4, 2, 4) has one: not.
        // Above: (10, 8, 10) and (10, 8, 10) again: the 10s are flagged, the 8s are within the band.
        Spc.Chart chart = Spc.xmr(new long[] {2, 4, 2, 5, 4, 2, 4, 8, 10, 8, 10, 8, 10});
        assertEquals(new BigDecimal("5.9231"), Spc.written(chart.mean()));
        assertEquals(new BigDecimal("0.1597"), Spc.written(chart.lowerLimit()));
        assertEquals(new BigDecimal("11.6864"), Spc.written(chart.upperLimit()));
        assertEquals(List.of("shift;two-of-three/improving", "shift/improving", "shift;two-of-three/improving",
                "shift/improving", "shift/improving", "shift/improving", "shift/improving", "/",
                "two-of-three/concerning", "/", "two-of-three/concerning", "/", "two-of-three/concerning"),
                marks(chart));
        assertEquals(Spc.Variation.SPECIAL_CAUSE_CONCERNING, chart.latestVariation());
    }

    @Test
    void sevenRisingPointsAreATrendFromTheirFirstPoint() {
        // 3,4,5,6,7,8,9 (points 1..7) each strictly above the one before: a trend, its first point included.
        // S = 58, mean 5.8; mR̄ = 12 / 9 = 1.3333, limits 2.2533 .. 9.3467: none beyond; band 3.4356 .. 8.1644: the 3
        // and the 9 are beyond, but each window of three on one side holds only one of them. Sides - - - - + + + + + -:
        // runs of 4 and 5, no shift.
        Spc.Chart chart = Spc.xmr(new long[] {5, 3, 4, 5, 6, 7, 8, 9, 6, 5});
        List<String> expected = repeat("/", 10);
        for (int i = 1; i <= 7; i++) {
            expected.set(i, "trend/concerning");
        }
        assertEquals(expected, marks(chart));
        assertTrue(chart.trial());
    }

    @Test
    void equalConsecutiveValuesBreakATrend() {
        // 3,4,5 then 5,6,7,8,9: the repeated 5 is not strictly above the one before, so the longest rise is 5 points.
        Spc.Chart chart = Spc.xmr(new long[] {5, 3, 4, 5, 5, 6, 7, 8, 9, 6});
        assertTrue(chart.points().stream().noneMatch(p -> p.signals().contains(Spc.Signal.TREND)));
    }

    @Test
    void sevenFallingPointsAreAnImprovingTrendAndAPeakCanEndOneTrendAndStartAnother() {
        // 1..7 rise (points 0..6), 7..1 fall (points 6..12): point 6 (the 7) is in both, so it is concerning.
        Spc.Chart chart = Spc.xmr(new long[] {1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1});
        for (int i = 0; i <= 12; i++) {
            assertTrue(chart.points().get(i).signals().contains(Spc.Signal.TREND), "point " + i);
        }
        assertEquals(Spc.Direction.CONCERNING, chart.points().get(6).direction());
        assertEquals(Spc.Direction.CONCERNING, chart.points().get(0).direction());
        assertEquals(Spc.Direction.IMPROVING, chart.points().get(12).direction());
    }

    @Test
    void aPointBeyondTheLimitsCountsTowardsTwoOfThreeButIsFlaggedOutsideLimitsOnly() {
        // S = 111, n = 16: mean 6.9375; mR̄ = 37 / 15 = 2.4667; upper limit 13.4988, band beyond 11.3117.
        // Window (7, 12, 14) is all above the mean: the 12 is beyond the band within the limits, the 14 beyond the
        // limit; two beyond the band, so the 12 is two-of-three and the 14 only outside-limits. The base alternates
        // 5, 7 around the mean: no run.
        Spc.Chart chart = Spc.xmr(new long[] {5, 7, 5, 7, 5, 7, 5, 7, 5, 7, 5, 7, 7, 12, 14, 6});
        assertEquals(new BigDecimal("13.4988"), Spc.written(chart.upperLimit()));
        List<String> expected = repeat("/", 16);
        expected.set(13, "two-of-three/concerning");
        expected.set(14, "outside-limits/concerning");
        assertEquals(expected, marks(chart));
    }

    @Test
    void aFlatSeriesAndASinglePointHaveLimitsOnTheMeanAndNoSignal() {
        Spc.Chart flat = Spc.xmr(new long[] {6, 6, 6, 6, 6});
        assertEquals(repeat("/", 5), marks(flat));
        assertEquals(0, flat.lowerLimit().compareTo(flat.upperLimit()));
        Spc.Chart one = Spc.xmr(new long[] {7});
        assertEquals(new BigDecimal("7.0000"), Spc.written(one.upperLimit()));
        assertEquals(List.of("/"), marks(one));
        assertTrue(one.trial());
        assertThrows(IllegalArgumentException.class, () -> Spc.xmr(new long[0]));
    }

    @Test
    void seriesRunFromTheWardsFirstToItsLastMonthWithEmptyMonthsAsZero() {
        // Q1 rows (wardId, month, incidents, severeOrDeath, share): W1 has nothing in 2025-02; W2 one month only.
        List<List<Object>> q1 = List.of(List.of("W1", "2025-01", 4L, 1L, "0.2500"),
                List.of("W1", "2025-03", 2L, 0L, "0.0000"), List.of("W2", "2025-02", 5L, 5L, "1.0000"));
        List<SpcSeries> series = SpcSeries.of(q1);
        assertEquals(4, series.size());
        assertEquals(List.of("W1", "incidents"), List.of(series.get(0).wardId(), series.get(0).measure()));
        assertEquals(List.of(YearMonth.of(2025, 1), YearMonth.of(2025, 2), YearMonth.of(2025, 3)),
                series.get(0).months());
        assertEquals(List.of(4L, 0L, 2L), series.get(0).chart().points().stream().map(Spc.Point::value).toList());
        assertEquals(List.of(1L, 0L, 0L), series.get(1).chart().points().stream().map(Spc.Point::value).toList());
        assertEquals("severeOrDeath", series.get(1).measure());
        assertEquals(List.of("W2", "severeOrDeath", "2025-02", 5L, new BigDecimal("5.0000"),
                new BigDecimal("5.0000"), new BigDecimal("5.0000"), "common-cause", true), series.get(3).summaryRow());
        // spc.csv's row: negative limits are numbers (never neutralised as text), signals and direction empty.
        List<Object> row = series.get(0).rows().get(1);
        assertEquals(List.of("W1", "incidents", "2025-02", 0L), row.subList(0, 4));
        assertTrue(row.get(5) instanceof BigDecimal && ((BigDecimal) row.get(5)).signum() < 0, "lower " + row);
        assertEquals(List.of("", "", true), row.subList(7, 10));
    }
}

package org.hospital.incidents.analytics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Statistical process control for the committee report: an XmR (individuals) chart over a series of counts and the
 * four special-cause rules of NHS England's "Making Data Count" (docs/DESIGN.md "The committee report"; the NHS-R
 * community's {@code NHSRplotthedots} package is the public reference implementation).
 *
 * <p>Pure: a series of whole counts in, the chart out. The comparisons are exact: with n points of sum S and moving
 * ranges of sum R, a point x lies {@code (n·x − S)/n} from the mean, its limits at 2.66·R/(n−1) and its
 * near-limit band at (2/3)·2.66·R/(n−1), all compared in whole numbers, so a point on the mean or on a limit is
 * never moved to one side by rounding. The figures written ({@link Chart#mean()}, the limits) are rounded to 4
 * decimals for the CSV only.
 */
public final class Spc {

    /** Process limits are this many average moving ranges from the mean (3 sigma, sigma = mR̄ / 1.128). */
    public static final BigDecimal LIMIT_FACTOR = new BigDecimal("2.66");

    /** A shift or a trend is a run of at least this many points. */
    public static final int RUN_LENGTH = 7;

    /** A series of fewer points gets trial limits. */
    public static final int TRIAL_BELOW = 12;

    /** Decimals of the mean and limits as written. */
    public static final int SCALE = 4;

    private static final MathContext EXACT_ENOUGH = MathContext.DECIMAL128;

    private Spc() {
    }

    /** A special-cause rule, in the order a point's signals are written. */
    public enum Signal {
        /** Above the upper or below the lower process limit. */
        OUTSIDE_LIMITS("outside-limits"),
        /** In a run of 7 or more points all strictly on one side of the mean. */
        SHIFT("shift"),
        /** In a run of 7 or more points each strictly above (or each strictly below) the one before. */
        TREND("trend"),
        /** Beyond the near-limit band, within the limits, in 3 points on that side of which 2 are beyond the band. */
        TWO_OF_THREE("two-of-three");

        private final String code;

        Signal(String code) {
            this.code = code;
        }

        /** @return the name written in {@code spc.csv} */
        public String code() {
            return code;
        }
    }

    /** Whether a point's signals say the process got worse or better; more incidents is worse. */
    public enum Direction {
        /** A signal above the mean or rising (wins over improving on the same point). */
        CONCERNING("concerning"),
        /** A signal below the mean or falling, and none above or rising. */
        IMPROVING("improving"),
        /** No signal. */
        NONE("");

        private final String code;

        Direction(String code) {
            this.code = code;
        }

        /** @return the name written in {@code spc.csv}; empty for no signal */
        public String code() {
            return code;
        }
    }

    /**
     * One point of a chart.
     *
     * @param value the count
     * @param signals the rules it breaks, in {@link Signal} order (empty when none)
     * @param direction what its signals say
     */
    public record Point(long value, Set<Signal> signals, Direction direction) {

        /** @return the signals' codes joined with {@code ;}, empty when none */
        public String signalCodes() {
            return signals.stream().map(Signal::code).collect(Collectors.joining(";"));
        }
    }

    /**
     * An XmR chart.
     *
     * @param mean the mean of all the points
     * @param movingRangeMean mR̄: the mean of |xᵢ − xᵢ₋₁| (0 for a single point)
     * @param lowerLimit mean − 2.66·mR̄ (not clipped at 0)
     * @param upperLimit mean + 2.66·mR̄
     * @param trial true when the series has fewer than {@value #TRIAL_BELOW} points
     * @param points the points, in series order
     */
    public record Chart(BigDecimal mean, BigDecimal movingRangeMean, BigDecimal lowerLimit, BigDecimal upperLimit,
            boolean trial, List<Point> points) {

        /** @return the last point's variation: special cause concerning or improving, or common cause */
        public Variation latestVariation() {
            return Variation.of(points.get(points.size() - 1).direction());
        }
    }

    /** The Making Data Count variation of a point (its icon on the summary). */
    public enum Variation {
        /** A special cause signal in the worse direction. */
        SPECIAL_CAUSE_CONCERNING("special-cause-concerning"),
        /** A special cause signal in the better direction. */
        SPECIAL_CAUSE_IMPROVING("special-cause-improving"),
        /** No signal: the point is the process's usual variation. */
        COMMON_CAUSE("common-cause");

        private final String code;

        Variation(String code) {
            this.code = code;
        }

        /** @return the name written in {@code spc-summary.csv} */
        public String code() {
            return code;
        }

        static Variation of(Direction direction) {
            return switch (direction) {
                case CONCERNING -> SPECIAL_CAUSE_CONCERNING;
                case IMPROVING -> SPECIAL_CAUSE_IMPROVING;
                case NONE -> COMMON_CAUSE;
            };
        }
    }

    /**
     * The XmR chart of a series and its points' signals (docs/DESIGN.md "The committee report").
     *
     * @param values the series, in time order: whole counts, at least one; a month without incidents is 0
     * @return the chart
     * @throws IllegalArgumentException when the series is empty
     */
    public static Chart xmr(long[] values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("an XmR chart needs at least one point");
        }
        long sum = 0;
        long ranges = 0;
        for (int i = 0; i < n; i++) {
            sum = Math.addExact(sum, values[i]);
            if (i > 0) {
                ranges = Math.addExact(ranges, Math.abs(values[i] - values[i - 1]));
            }
        }
        // side[i]: sign of (x - mean); outside/band: |x - mean| beyond 2.66 mR̄, beyond (2/3)·2.66 mR̄, as
        // 100·|n·x − S|·(n − 1) > 266·R·n and 300·|n·x − S|·(n − 1) > 532·R·n (whole numbers, no rounding).
        int[] side = new int[n];
        boolean[] outside = new boolean[n];
        boolean[] beyondBand = new boolean[n];
        BigDecimal limitScale = BigDecimal.valueOf(266).multiply(BigDecimal.valueOf(ranges))
                .multiply(BigDecimal.valueOf(n));
        BigDecimal bandScale = BigDecimal.valueOf(532).multiply(BigDecimal.valueOf(ranges))
                .multiply(BigDecimal.valueOf(n));
        for (int i = 0; i < n; i++) {
            BigDecimal deviation = BigDecimal.valueOf(values[i]).multiply(BigDecimal.valueOf(n))
                    .subtract(BigDecimal.valueOf(sum));
            side[i] = deviation.signum();
            BigDecimal spread = deviation.abs().multiply(BigDecimal.valueOf(n - 1L));
            outside[i] = spread.multiply(BigDecimal.valueOf(100)).compareTo(limitScale) > 0;
            beyondBand[i] = spread.multiply(BigDecimal.valueOf(300)).compareTo(bandScale) > 0;
        }
        List<EnumSet<Signal>> signals = new ArrayList<>(n);
        boolean[] worse = new boolean[n];
        boolean[] better = new boolean[n];
        for (int i = 0; i < n; i++) {
            signals.add(EnumSet.noneOf(Signal.class));
            if (outside[i]) {
                flag(signals, worse, better, i, Signal.OUTSIDE_LIMITS, side[i]);
            }
        }
        // shift: maximal runs of points strictly on one side; a point on the mean (side 0) ends a run.
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && side[start] != 0 && side[end + 1] == side[start]) {
                end++;
            }
            if (side[start] != 0 && end - start + 1 >= RUN_LENGTH) {
                for (int i = start; i <= end; i++) {
                    flag(signals, worse, better, i, Signal.SHIFT, side[start]);
                }
            }
            start = end + 1;
        }
        // trend: maximal runs each strictly above (below) the one before; equal neighbours end a run. A turning
        // point can end a rising run and start a falling one.
        for (int direction : new int[] {1, -1}) {
            for (int start = 0; start < n; ) {
                int end = start;
                while (end + 1 < n && Long.signum(values[end + 1] - values[end]) == direction) {
                    end++;
                }
                if (end - start + 1 >= RUN_LENGTH) {
                    for (int i = start; i <= end; i++) {
                        flag(signals, worse, better, i, Signal.TREND, direction);
                    }
                }
                start = end + 1;
            }
        }
        // two-of-three: every window of 3 consecutive points strictly on one side with 2 or more beyond the band
        // flags its points that are beyond the band and within the limits (a point beyond the limits counts
        // towards the 2 but is flagged outside-limits instead).
        for (int start = 0; start + 3 <= n; start++) {
            int s = side[start];
            if (s == 0 || side[start + 1] != s || side[start + 2] != s) {
                continue;
            }
            int beyond = 0;
            for (int i = start; i < start + 3; i++) {
                beyond += beyondBand[i] ? 1 : 0;
            }
            if (beyond >= 2) {
                for (int i = start; i < start + 3; i++) {
                    if (beyondBand[i] && !outside[i]) {
                        flag(signals, worse, better, i, Signal.TWO_OF_THREE, s);
                    }
                }
            }
        }
        List<Point> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Direction direction = worse[i] ? Direction.CONCERNING : better[i] ? Direction.IMPROVING : Direction.NONE;
            points.add(new Point(values[i], Collections.unmodifiableSet(signals.get(i)), direction));
        }
        BigDecimal mean = BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(n), EXACT_ENOUGH);
        BigDecimal movingRangeMean = n < 2 ? BigDecimal.ZERO
                : BigDecimal.valueOf(ranges).divide(BigDecimal.valueOf(n - 1L), EXACT_ENOUGH);
        BigDecimal reach = LIMIT_FACTOR.multiply(movingRangeMean, EXACT_ENOUGH);
        return new Chart(mean, movingRangeMean, mean.subtract(reach, EXACT_ENOUGH), mean.add(reach, EXACT_ENOUGH),
                n < TRIAL_BELOW, List.copyOf(points));
    }

    /**
     * @param value a chart figure
     * @return it rounded half up to {@value #SCALE} decimals, as {@code spc.csv} writes it
     */
    public static BigDecimal written(BigDecimal value) {
        return value.setScale(SCALE, RoundingMode.HALF_UP);
    }

    private static void flag(List<EnumSet<Signal>> signals, boolean[] worse, boolean[] better, int i, Signal signal,
            int side) {
        signals.get(i).add(signal);
        if (side > 0) {
            worse[i] = true;
        } else {
            better[i] = true;
        }
    }
}

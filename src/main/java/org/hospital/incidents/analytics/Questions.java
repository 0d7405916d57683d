package org.hospital.incidents.analytics;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.ledger.LedgerRule;
import scala.Tuple2;
import org.hospital.incidents.archive.ArchivedReport;

/**
 * The analytics graph (DESIGN.md "Analytics"): archive lines in, one incident per eventId, the four questions'
 * tables out. Pure Spark: no file is read or written here ({@link Analytics} does that), so tests feed it lines.
 *
 * <p>One incident per eventId: the first accepted entry (by batch time, then source) is the report, so a report
 * archived twice (an import run twice, a repeat the stream rejected as a duplicate) counts once; the first
 * re-qualification entry of the eventId replaces its category. A re-qualification whose report is not in the archive
 * is no incident. Filtering by {@code --from/--to} uses the local date of {@code occurredAt}.
 */
public final class Questions {

    /** Q1 header. */
    public static final List<String> Q1_HEADER = List.of("wardId", "month", "incidents", "severeOrDeath",
            "severeOrDeathShare");
    /** Q2 header. */
    public static final List<String> Q2_HEADER = List.of("weekday", "hour", "incidents");
    /** Q3 header. */
    public static final List<String> Q3_HEADER = List.of("wardId", "category", "incidents", "shareOfWard");
    /** Q4 header. */
    public static final List<String> Q4_HEADER = List.of("wardId", "reports", "unclassifiedAtReport", "requalified",
            "stillUnclassified", "humanInterventionShare");

    /** Header of {@code surge-limits.csv} (docs/DESIGN.md "Surges in event time, against each ward's own limit"). */
    public static final List<String> SURGE_LIMITS_HEADER = List.of("wardId", "weekday", "hour", "windowSeconds",
            "expectedPerWindow", "limit");

    /** P(X >= limit) at most this, X ~ Poisson(expected): a point beyond the ward's process limits. */
    public static final double SURGE_TAIL = 0.001;

    private Questions() {
    }

    /**
     * The smallest k >= 2 with P(X >= k) <= {@value #SURGE_TAIL} for X ~ Poisson(expected): the number of incidents
     * in one window that is unusual for the ward at that hour (statistical process control, e.g. NHS England's
     * "Making Data Count": a point beyond the limits).
     *
     * @param expected the expected incidents per window (>= 0)
     * @return the limit
     */
    public static long poissonLimit(double expected) {
        if (expected > 500) {
            // exp(-expected) underflows; the Poisson is then normal to well within one incident (z of 0.999 = 3.09).
            return Math.max(2, (long) Math.ceil(expected + 3.0902 * Math.sqrt(expected)));
        }
        // P(X >= k) = 1 - sum_{i < k} P(X = i), P(X = i) computed from P(X = i - 1) to stay in range.
        double term = Math.exp(-expected);
        double below = term;
        long k = 1;
        while (k < 2 || 1.0 - below > SURGE_TAIL) {
            term = term * expected / k;
            below += term;
            k++;
        }
        return k;
    }

    /**
     * Per-ward SURGE limits by hour of the week: for every ward in scope and all 168 (weekday, hour), the ward's
     * incidents in that hour of the week, averaged over the occurrences of that weekday in {@code first..last}, per
     * window length, and its {@link #poissonLimit}.
     *
     * @param incidents in scope
     * @param first first date of the history (the scope's {@code --from}, or the first incident's date)
     * @param last last date of the history, inclusive
     * @param windowSeconds the stream's window length
     * @return rows of {@link #SURGE_LIMITS_HEADER}, sorted by ward, weekday, hour
     */
    public static List<List<Object>> surgeLimits(JavaRDD<IncidentRow> incidents, LocalDate first, LocalDate last,
            int windowSeconds) {
        Map<String, long[]> counts = new TreeMap<>();
        incidents.mapToPair(row -> new Tuple2<>(new Tuple2<>(row.wardId(), (row.weekday() - 1) * 24 + row.hour()),
                        1L))
                .reduceByKey(Long::sum)
                .collect().forEach(pair -> counts.computeIfAbsent(pair._1()._1(), w -> new long[168])
                        [pair._1()._2()] = pair._2());
        long[] days = new long[8];
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            days[day.getDayOfWeek().getValue()]++;
        }
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((ward, byHour) -> {
            for (int weekday = 1; weekday <= 7; weekday++) {
                for (int hour = 0; hour < 24; hour++) {
                    double perHour = days[weekday] == 0 ? 0
                            : (double) byHour[(weekday - 1) * 24 + hour] / days[weekday];
                    double expected = perHour * windowSeconds / 3600.0;
                    rows.add(List.of(ward, weekday, hour, windowSeconds,
                            String.format(java.util.Locale.ROOT, "%.6f", expected), poissonLimit(expected)));
                }
            }
        });
        return rows;
    }

    /** Dates to keep (inclusive; null = open) and the time zone of dates, hours and weekdays. */
    public record Scope(LocalDate from, LocalDate to, String timeZone) implements Serializable {
        private static final long serialVersionUID = 1L;

        boolean contains(LocalDate date) {
            return (from == null || !date.isBefore(from)) && (to == null || !date.isAfter(to));
        }
    }

    /**
     * @param archiveLines the archive's lines (accepted, requalified and rejected entries)
     * @param scope dates and time zone
     * @param unreadable counts lines that are not archive entries (a foreign file in the archive); they are skipped
     * @return the incidents in scope, one per eventId (not sorted)
     */
    public static JavaRDD<IncidentRow> incidents(JavaRDD<String> archiveLines, Scope scope,
            LongAccumulator unreadable) {
        String zoneId = scope.timeZone();
        return archiveLines
                .flatMap(line -> {
                    ArchivedReport report;
                    try {
                        report = ArchivedReport.parse(line);
                    } catch (IllegalArgumentException e) {
                        unreadable.add(1);
                        report = null;
                    }
                    return report == null ? java.util.Collections.emptyIterator()
                            : java.util.List.of(report).iterator();
                })
                .mapToPair(report -> new Tuple2<>(report.eventId(), report))
                .groupByKey()
                .flatMap(pair -> {
                    IncidentRow row = resolve(pair._2(), ZoneId.of(zoneId));
                    return row != null && scope.contains(row.date()) ? List.of(row).iterator()
                            : java.util.Collections.<IncidentRow>emptyIterator();
                });
    }

    /** Rows per partition of the sorted {@code incidents.csv}: the driver holds one partition at a time. */
    static final long ROWS_PER_SORTED_PARTITION = 50_000;

    /**
     * @param incidents from {@link #incidents}
     * @param count how many there are
     * @return the {@code incidents.csv} lines sorted by occurredAt, then eventId, in partitions of about
     *     {@value #ROWS_PER_SORTED_PARTITION} rows (the driver writes them one partition at a time)
     */
    public static JavaRDD<String> sortedCsvLines(JavaRDD<IncidentRow> incidents, long count) {
        int partitions = (int) Math.max(1, Math.min(10_000, (count + ROWS_PER_SORTED_PARTITION - 1)
                / ROWS_PER_SORTED_PARTITION));
        return incidents.sortBy(IncidentRow::sortKey, true, partitions).map(IncidentRow::csvLine);
    }

    /**
     * Q1, where serious harm concentrates.
     *
     * @param incidents in scope
     * @return rows of {@link #Q1_HEADER}, sorted by ward then month
     */
    public static List<List<Object>> q1(JavaRDD<IncidentRow> incidents) {
        Map<Tuple2<String, String>, long[]> counts = new TreeMap<>(Questions::compare);
        incidents.mapToPair(row -> new Tuple2<>(new Tuple2<>(row.wardId(), row.month()),
                        new long[] {1, row.severeOrDeath() ? 1 : 0}))
                .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})
                .collect().forEach(pair -> counts.put(pair._1(), pair._2()));
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((key, value) -> rows.add(List.of(key._1(), key._2(), value[0], value[1],
                share(value[1], value[0]))));
        return rows;
    }

    /**
     * Q2, when incidents happen.
     *
     * @param incidents in scope
     * @return all 168 rows of {@link #Q2_HEADER} (weekday 1–7, hour 0–23), zeros included
     */
    public static List<List<Object>> q2(JavaRDD<IncidentRow> incidents) {
        long[][] counts = new long[8][24];
        incidents.mapToPair(row -> new Tuple2<>(row.weekday() * 24 + row.hour(), 1L))
                .reduceByKey(Long::sum)
                .collect().forEach(pair -> counts[pair._1() / 24][pair._1() % 24] = pair._2());
        List<List<Object>> rows = new ArrayList<>(168);
        for (int weekday = 1; weekday <= 7; weekday++) {
            for (int hour = 0; hour < 24; hour++) {
                rows.add(List.of(weekday, hour, counts[weekday][hour]));
            }
        }
        return rows;
    }

    /**
     * Q3, what goes wrong where.
     *
     * @param incidents in scope
     * @return rows of {@link #Q3_HEADER}, sorted by ward then category; shares of the ward's incidents
     */
    public static List<List<Object>> q3(JavaRDD<IncidentRow> incidents) {
        Map<Tuple2<String, String>, Long> counts = new TreeMap<>(Questions::compare);
        incidents.mapToPair(row -> new Tuple2<>(new Tuple2<>(row.wardId(), row.category()), 1L))
                .reduceByKey(Long::sum)
                .collect().forEach(pair -> counts.put(pair._1(), pair._2()));
        Map<String, Long> wardTotals = new TreeMap<>();
        counts.forEach((key, value) -> wardTotals.merge(key._1(), value, Long::sum));
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((key, value) -> rows.add(List.of(key._1(), key._2(), value,
                share(value, wardTotals.get(key._1())))));
        return rows;
    }

    /**
     * Q4, how much human re-qualification each ward needs.
     *
     * @param incidents in scope
     * @return rows of {@link #Q4_HEADER}, sorted by ward; share = unclassifiedAtReport / reports
     */
    public static List<List<Object>> q4(JavaRDD<IncidentRow> incidents) {
        Map<String, long[]> counts = new TreeMap<>();
        incidents.mapToPair(row -> new Tuple2<>(row.wardId(), new long[] {1, row.unclassifiedAtReport() ? 1 : 0,
                        row.requalified() ? 1 : 0, "unclassified".equals(row.category()) ? 1 : 0}))
                .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]})
                .collect().forEach(pair -> counts.put(pair._1(), pair._2()));
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((ward, c) -> rows.add(List.of(ward, c[0], c[1], c[2], c[3], share(c[1], c[0]))));
        return rows;
    }

    /**
     * @param part numerator
     * @param whole denominator
     * @return {@code part / whole} as a decimal with 4 places (half up), {@code 0.0000} when whole is 0
     */
    public static String share(long part, long whole) {
        if (whole == 0) {
            return "0.0000";
        }
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP).toPlainString();
    }

    private static int compare(Tuple2<String, String> a, Tuple2<String, String> b) {
        int first = a._1().compareTo(b._1());
        return first != 0 ? first : a._2().compareTo(b._2());
    }

    /**
     * One eventId's incident as the stream counts it: its archive entries replayed in arrival order
     * ({@link ArchivedReport#FIRST}) through the incident ledger's own rule ({@link LedgerRule}), with no horizon
     * (analytics counts an eventId once, however far apart its versions came). The row is the latest version
     * counted (an amendment replaces it); its category is the ledger's (a re-qualification applies only where the
     * ledger applied it); {@code unclassifiedAtReport} is the first version's.
     *
     * @param entries the eventId's accepted, amended and requalified entries, in any order
     * @param zone time zone of dates, hours and weekdays
     * @return the row, or null when no entry was counted (a re-qualification alone)
     */
    static IncidentRow resolve(Iterable<ArchivedReport> entries, ZoneId zone) {
        List<ArchivedReport> history = new java.util.ArrayList<>();
        entries.forEach(history::add);
        history.sort(ArchivedReport.FIRST);
        LedgerEntry entry = null;
        ArchivedReport first = null;
        ArchivedReport latest = null;
        for (ArchivedReport report : history) {
            LedgerRule.Step step = LedgerRule.apply(entry, report.candidate(), report.batchTime(), Long.MAX_VALUE);
            entry = step.entry();
            Verdict.Kind kind = step.verdict().kind();
            if (kind == Verdict.Kind.COUNTED || kind == Verdict.Kind.AMENDED) {
                first = first == null ? report : first;
                latest = report;
            }
        }
        return latest == null ? null : IncidentRow.of(latest, entry, "unclassified".equals(first.category()), zone);
    }
}

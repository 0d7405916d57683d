package org.hospital.incidents.analytics;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One ward's monthly series of one measure and its XmR chart ({@link Spc}), as {@code spc.csv} and the committee
 * report show it (docs/DESIGN.md "The committee report").
 *
 * @param wardId the ward
 * @param measure {@link #INCIDENTS} or {@link #SEVERE_OR_DEATH}
 * @param months the calendar months of the series, from the ward's first month with an incident to its last, none
 *     left out
 * @param chart the chart over the months' counts
 */
public record SpcSeries(String wardId, String measure, List<YearMonth> months, Spc.Chart chart) {

    /** Reports with {@code occurredAt} in the month. */
    public static final String INCIDENTS = "incidents";

    /** Those of them with harm level {@code severe} or {@code death}. */
    public static final String SEVERE_OR_DEATH = "severeOrDeath";

    /** Header of {@code spc.csv}. */
    public static final List<String> HEADER = List.of("wardId", "measure", "month", "value", "mean", "lowerLimit",
            "upperLimit", "signals", "direction", "trial");

    /** Header of {@code spc-summary.csv}: each ward and measure at its latest month. */
    public static final List<String> SUMMARY_HEADER = List.of("wardId", "measure", "month", "value", "mean",
            "lowerLimit", "upperLimit", "variation", "trial");

    /**
     * Every ward's two series, from the monthly counts Q1 already holds (no other pass over the incidents).
     *
     * @param q1 rows of {@link Questions#Q1_HEADER} (wardId, month {@code YYYY-MM}, incidents, severeOrDeath, …), any
     *     order; a ward-month without incidents has no row
     * @return per ward (sorted) its {@link #INCIDENTS} then its {@link #SEVERE_OR_DEATH} series; months without a row
     *     count 0
     */
    public static List<SpcSeries> of(List<List<Object>> q1) {
        Map<String, TreeMap<YearMonth, long[]>> byWard = new TreeMap<>();
        for (List<Object> row : q1) {
            byWard.computeIfAbsent((String) row.get(0), w -> new TreeMap<>())
                    .put(YearMonth.parse((String) row.get(1)), new long[] {(Long) row.get(2), (Long) row.get(3)});
        }
        List<SpcSeries> series = new ArrayList<>();
        byWard.forEach((ward, counts) -> {
            List<YearMonth> months = new ArrayList<>();
            for (YearMonth m = counts.firstKey(); !m.isAfter(counts.lastKey()); m = m.plusMonths(1)) {
                months.add(m);
            }
            Map<String, long[]> values = new LinkedHashMap<>();
            values.put(INCIDENTS, new long[months.size()]);
            values.put(SEVERE_OR_DEATH, new long[months.size()]);
            for (int i = 0; i < months.size(); i++) {
                long[] count = counts.getOrDefault(months.get(i), new long[2]);
                values.get(INCIDENTS)[i] = count[0];
                values.get(SEVERE_OR_DEATH)[i] = count[1];
            }
            values.forEach((measure, v) -> series.add(new SpcSeries(ward, measure, List.copyOf(months), Spc.xmr(v))));
        });
        return series;
    }

    /** @return the rows of {@code spc.csv} for this series, one per month (numbers as {@code Number}s) */
    public List<List<Object>> rows() {
        List<List<Object>> rows = new ArrayList<>(months.size());
        for (int i = 0; i < months.size(); i++) {
            rows.add(row(i, chart.points().get(i).signalCodes(), chart.points().get(i).direction().code()));
        }
        return rows;
    }

    /** @return the row of {@code spc-summary.csv}: the latest month and its variation */
    public List<Object> summaryRow() {
        int last = months.size() - 1;
        List<Object> row = new ArrayList<>(row(last, null, null).subList(0, 7));
        row.add(chart.latestVariation().code());
        row.add(chart.trial());
        return row;
    }

    private List<Object> row(int i, String signals, String direction) {
        List<Object> row = new ArrayList<>(10);
        row.add(wardId);
        row.add(measure);
        row.add(months.get(i).toString());
        row.add(chart.points().get(i).value());
        row.add(Spc.written(chart.mean()));
        row.add(Spc.written(chart.lowerLimit()));
        row.add(Spc.written(chart.upperLimit()));
        row.add(signals);
        row.add(direction);
        row.add(chart.trial());
        return row;
    }
}

package org.hospital.incidents.analytics;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.text.StringEscapeUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.hospital.incidents.support.CsvCells;

/**
 * Writes the analytics outputs into {@code --out} (DESIGN.md "Analytics"): {@code incidents.csv}, the four question
 * files {@code q1-…csv … q4-…csv} (RFC 4180 with CRLF line ends, header row, {@code ,}, UTF-8, by Apache Commons CSV),
 * one PNG chart per question (XChart's bitmap encoder) and {@code report.html}, which shows the charts and the tables
 * and opens from the file system (the charts are sibling files, no script, no server).
 *
 * <p>Any Hadoop file system URI ({@code data/analytics}, {@code hdfs://…}). Files are replaced when they exist.
 */
public final class AnalyticsReportWriter {

    /** The per-ward SURGE limits the stream reads ({@code --surge-limits}), and their chart. */
    public static final String SURGE_LIMITS = "surge-limits";

    /** Wards drawn on the SURGE limits chart: the busiest, so the chart stays legible; the CSV has every ward. */
    static final int SURGE_CHART_WARDS = 8;

    /** File names, in question order. */
    public static final List<String> QUESTION_FILES = List.of("q1-harm-by-ward-month", "q2-hour-weekday",
            "q3-category-by-ward", "q4-requalification");

    private static final CSVFormat CSV = CSVFormat.RFC4180;
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    private final FileSystem fs;
    private final Path out;

    /**
     * @param outUri the output folder, created when missing
     * @param conf Hadoop configuration
     * @throws IOException when it cannot be created
     */
    public AnalyticsReportWriter(String outUri, Configuration conf) throws IOException {
        this.out = new Path(outUri);
        this.fs = BatchOutputWriter.fileSystem(out, conf);
        BatchOutputWriter.mkdirs(fs, out);
    }

    /** @return the output folder, qualified */
    public Path folder() {
        return fs.makeQualified(out);
    }

    /**
     * Writes one CSV file.
     *
     * @param name file name
     * @param header the header row
     * @param rows the rows, in file order (values printed with {@code String.valueOf}; null as empty; text that a
     *     spreadsheet would run as a formula neutralised, {@link CsvCells})
     * @return the number of rows written
     * @throws IOException from the file system
     */
    public long csv(String name, List<String> header, Iterator<? extends List<?>> rows) throws IOException {
        long count = 0;
        try (Writer writer = new OutputStreamWriter(BatchOutputWriter.replaceOwnerOnly(fs, new Path(out, name)),
                StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, CSV.builder().setHeader(header.toArray(String[]::new))
                        .build())) {
            while (rows.hasNext()) {
                printer.printRecord(CsvCells.safe(rows.next()));
                count++;
            }
        }
        return count;
    }

    /**
     * Writes one CSV file from lines already formatted (e.g. by the tasks that hold the rows).
     *
     * @param name file name
     * @param header the header row
     * @param lines RFC 4180 lines without line breaks, in file order
     * @return the number of lines written
     * @throws IOException from the file system
     */
    public long csvLines(String name, List<String> header, Iterator<String> lines) throws IOException {
        long count = 0;
        try (Writer writer = new OutputStreamWriter(BatchOutputWriter.replaceOwnerOnly(fs, new Path(out, name)),
                StandardCharsets.UTF_8)) {
            writer.write(CSV.format(header.toArray()));
            writer.write(CSV.getRecordSeparator());
            while (lines.hasNext()) {
                writer.write(lines.next());
                writer.write(CSV.getRecordSeparator());
                count++;
            }
        }
        return count;
    }

    /**
     * Q1 chart: a heat map of the share of severe-or-death incidents, wards × months.
     *
     * @param q1 rows of Q1 (wardId, month, incidents, severeOrDeath, share)
     * @throws IOException from the file system
     */
    public void q1Chart(List<List<Object>> q1) throws IOException {
        List<String> months = new ArrayList<>(new TreeSet<>(column(q1, 1)));
        List<String> wards = new ArrayList<>(new TreeSet<>(column(q1, 0)));
        List<Number[]> cells = new ArrayList<>();
        for (List<Object> row : q1) {
            cells.add(new Number[] {months.indexOf((String) row.get(1)), wards.indexOf((String) row.get(0)),
                Double.parseDouble((String) row.get(4)) * 100});
        }
        if (cells.isEmpty()) {
            cells.add(new Number[] {0, 0, 0.0}); // XChart refuses an empty heat map; the axis says "(no incidents)"
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Q1  Severe harm or death, % of the ward's incidents per month").xAxisTitle("Month")
                .yAxisTitle("Ward").build();
        chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.0").setMin(0)
                .setRangeColors(new Color[] {new Color(0xFFF5F0), new Color(0xFB6A4A), new Color(0x67000D)});
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("% severe or death", orPlaceholder(months), orPlaceholder(wards), cells);
        png(QUESTION_FILES.get(0), chart);
    }

    /**
     * Q2 chart: a heat map of incidents by weekday × hour.
     *
     * @param q2 the 168 rows of Q2 (weekday, hour, incidents)
     * @throws IOException from the file system
     */
    public void q2Chart(List<List<Object>> q2) throws IOException {
        List<Integer> hours = new ArrayList<>();
        for (int hour = 0; hour < 24; hour++) {
            hours.add(hour);
        }
        List<String> days = new ArrayList<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            days.add(day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        }
        List<Number[]> cells = new ArrayList<>();
        for (List<Object> row : q2) {
            cells.add(new Number[] {(Integer) row.get(1), (Integer) row.get(0) - 1, (Long) row.get(2)});
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Q2  Incidents by weekday and hour").xAxisTitle("Hour of day").yAxisTitle("Weekday").build();
        // No numbers in the cells: 24 columns leave no room for four digits; the page's grid table has them.
        chart.getStyler().setShowValue(false).setMin(0)
                .setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("incidents", hours, days, cells);
        png(QUESTION_FILES.get(1), chart);
    }

    /**
     * Q3 chart: stacked bars, each ward's incidents by event category.
     *
     * @param q3 rows of Q3 (wardId, category, incidents, share)
     * @throws IOException from the file system
     */
    public void q3Chart(List<List<Object>> q3) throws IOException {
        List<String> wards = orPlaceholder(new ArrayList<>(new TreeSet<>(column(q3, 0))));
        Map<String, List<Long>> byCategory = new LinkedHashMap<>();
        for (String category : new TreeSet<>(column(q3, 1))) {
            byCategory.put(category, new ArrayList<>(java.util.Collections.nCopies(wards.size(), 0L)));
        }
        for (List<Object> row : q3) {
            byCategory.get((String) row.get(1)).set(wards.indexOf((String) row.get(0)), (Long) row.get(2));
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Q3  Incidents by ward and event category").xAxisTitle("Ward").yAxisTitle("Incidents").build();
        chart.getStyler().setStacked(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        if (byCategory.isEmpty()) {
            chart.addSeries("no incidents", wards, List.of(0L));
        }
        byCategory.forEach((category, counts) -> chart.addSeries(category, wards, counts));
        png(QUESTION_FILES.get(2), chart);
    }

    /**
     * Q4 chart: per ward, the reports the machine could not classify, split into re-qualified by a person and still
     * unclassified.
     *
     * @param q4 rows of Q4 (wardId, reports, unclassifiedAtReport, requalified, stillUnclassified, share)
     * @throws IOException from the file system
     */
    public void q4Chart(List<List<Object>> q4) throws IOException {
        List<String> wards = orPlaceholder(column(q4, 0));
        List<Long> requalified = new ArrayList<>();
        List<Long> still = new ArrayList<>();
        for (List<Object> row : q4) {
            requalified.add((Long) row.get(3));
            still.add((Long) row.get(4));
        }
        if (q4.isEmpty()) {
            requalified.add(0L);
            still.add(0L);
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Q4  Reports needing a person: re-qualified vs still unclassified").xAxisTitle("Ward")
                .yAxisTitle("Reports unclassified at report").build();
        chart.getStyler().setStacked(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("re-qualified", wards, requalified);
        chart.addSeries("still unclassified", wards, still);
        png(QUESTION_FILES.get(3), chart);
    }

    /**
     * Writes {@code surge-limits.csv} and its side file {@code surge-limits.properties} (the history it was learnt
     * from and the zone of its hours, which the stream reads with it; docs/DESIGN.md "Surges in event time").
     *
     * @param rows rows of {@code Questions.SURGE_LIMITS_HEADER}
     * @param from first date of the history
     * @param to last date of the history, inclusive
     * @param timeZone zone of the weekdays and hours
     * @param windowSeconds the window length the limits are for
     * @return the number of rows written
     * @throws IOException from the file system
     */
    public long surgeLimits(List<List<Object>> rows, java.time.LocalDate from, java.time.LocalDate to,
            String timeZone, int windowSeconds) throws IOException {
        long count = csv(SURGE_LIMITS + ".csv", org.hospital.incidents.analytics.Questions.SURGE_LIMITS_HEADER,
                rows.iterator());
        java.util.Properties side = new java.util.Properties();
        side.setProperty("from", from.toString());
        side.setProperty("to", to.toString());
        side.setProperty("timeZone", timeZone);
        side.setProperty("windowSeconds", Integer.toString(windowSeconds));
        try (Writer writer = new OutputStreamWriter(BatchOutputWriter.replaceOwnerOnly(fs,
                new Path(out, SURGE_LIMITS + ".properties")), StandardCharsets.UTF_8)) {
            side.store(writer, "History of surge-limits.csv (bin/incident-analytics), read with it by the stream");
        }
        return count;
    }

    /**
     * The SURGE limits chart: for the busiest wards, the limit at each hour of the week (Monday 00:00 = 0).
     *
     * @param rows rows of {@code Questions.SURGE_LIMITS_HEADER}
     * @throws IOException from the file system
     */
    public void surgeLimitsChart(List<List<Object>> rows) throws IOException {
        Map<String, List<Number>> byWard = new LinkedHashMap<>();
        Map<String, Double> volume = new java.util.HashMap<>();
        for (List<Object> row : rows) {
            String ward = (String) row.get(0);
            byWard.computeIfAbsent(ward, w -> new ArrayList<>()).add((Long) row.get(5));
            volume.merge(ward, Double.parseDouble((String) row.get(4)), Double::sum);
        }
        List<String> busiest = byWard.keySet().stream()
                .sorted((a, b) -> Double.compare(volume.get(b), volume.get(a))).limit(SURGE_CHART_WARDS).toList();
        org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("SURGE limit per window by hour of the week (busiest wards)")
                .xAxisTitle("Hour of the week (0 = Monday 00:00)").yAxisTitle("Incidents per window").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(0);
        List<Integer> hours = new ArrayList<>();
        for (int hour = 0; hour < 168; hour++) {
            hours.add(hour);
        }
        if (busiest.isEmpty()) {
            chart.addSeries("(no incidents)", hours, java.util.Collections.nCopies(168, 0));
        }
        for (String ward : busiest) {
            chart.addSeries(ward, hours, byWard.get(ward));
        }
        png(SURGE_LIMITS, chart);
    }

    /** The committee report's files: every point, and each ward and measure at its latest month. */
    public static final String SPC = "spc";

    /** Folded tables: a table longer than this many rows is shown in a {@code <details>} block. */
    static final int FOLD_ROWS = 12;

    /**
     * Writes {@code spc.csv}, {@code spc-summary.csv} and one XmR chart per ward and measure
     * ({@code spc-<n>-<measure>.png}, n the ward's place in ward order from 1: ward names are not file names).
     *
     * @param series every ward's two series, in ward order ({@link SpcSeries#of})
     * @return the number of charts written
     * @throws IOException from the file system
     */
    public int spc(List<SpcSeries> series) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        List<List<Object>> summary = new ArrayList<>();
        for (SpcSeries one : series) {
            rows.addAll(one.rows());
            summary.add(one.summaryRow());
        }
        csv(SPC + ".csv", SpcSeries.HEADER, rows.iterator());
        csv(SPC + "-summary.csv", SpcSeries.SUMMARY_HEADER, summary.iterator());
        for (int i = 0; i < series.size(); i++) {
            try (OutputStream stream = BatchOutputWriter.replaceOwnerOnly(fs,
                    new Path(out, spcChartName(series, i)))) {
                stream.write(SpcChartImage.png(series.get(i)));
            }
        }
        return series.size();
    }

    private static String spcChartName(List<SpcSeries> series, int index) {
        int ward = 0;
        for (int i = 0; i <= index; i++) {
            if (i == 0 || !series.get(i).wardId().equals(series.get(i - 1).wardId())) {
                ward++;
            }
        }
        return String.format(Locale.ROOT, "%s-%03d-%s.png", SPC, ward, series.get(index).measure());
    }

    /**
     * Writes {@code report.html}, the committee's page (docs/DESIGN.md "The committee report"): first the variation
     * summary (each ward and measure at its latest month, Making Data Count's colours and words), then the XmR chart
     * of each ward and measure, then the four questions' charts with their tables (long ones folded), Q2 as a weekday
     * × hour grid, and the SURGE limits. Charts are sibling PNG files with their CSV linked beside them; every value
     * is HTML-escaped; no script.
     *
     * @param title the page's heading (the scope: archive, dates, time zone)
     * @param incidents the number of incidents analysed
     * @param tables the four questions' rows, in order
     * @param series every ward's two SPC series, in ward order, as given to {@link #spc}
     * @throws IOException from the file system
     */
    public void html(String title, long incidents, List<List<List<Object>>> tables, List<SpcSeries> series)
            throws IOException {
        StringBuilder page = new StringBuilder(64 * 1024);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Incident analytics")
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;")
                .append("text-align:right}th{background:#eee}td:first-child,th:first-child{text-align:left}")
                .append("img{max-width:100%;border:1px solid #ddd}.variation{text-align:left;white-space:nowrap}")
                .append(".icon{display:inline-block;width:1.1em;height:1.1em;border-radius:50%;vertical-align:")
                .append("middle;margin-right:.4em;color:#fff;font-size:.75em;font-weight:bold;text-align:center;")
                .append("line-height:1.5em}.special-cause-concerning{background:").append(hex(SpcChartImage.CONCERNING))
                .append("}.special-cause-improving{background:").append(hex(SpcChartImage.IMPROVING))
                .append("}.common-cause{background:").append(hex(SpcChartImage.COMMON))
                .append("}details{margin:.5em 0}</style></head><body>\n<h1>Incident analytics</h1>\n")
                .append("<p>").append(escape(title)).append("<br>").append(incidents)
                .append(" incidents, one per eventId; data: <a href=\"incidents.csv\">incidents.csv</a></p>\n");
        variationSummary(page, series);
        xmrCharts(page, series);
        String[] headings = {"Q1 Where does serious harm concentrate?", "Q2 When do incidents happen?",
            "Q3 What goes wrong where?", "Q4 How much human re-qualification does each ward need?"};
        List<List<String>> headers = List.of(org.hospital.incidents.analytics.Questions.Q1_HEADER,
                org.hospital.incidents.analytics.Questions.Q2_HEADER,
                org.hospital.incidents.analytics.Questions.Q3_HEADER,
                org.hospital.incidents.analytics.Questions.Q4_HEADER);
        for (int q = 0; q < 4; q++) {
            String file = QUESTION_FILES.get(q);
            page.append("<h2 id=\"q").append(q + 1).append("\">").append(escape(headings[q])).append("</h2>\n")
                    .append("<img id=\"chart-q").append(q + 1).append("\" src=\"").append(file).append(".png\" alt=\"")
                    .append(escape(headings[q])).append("\">\n<p><a href=\"").append(file).append(".csv\">")
                    .append(file).append(".csv</a></p>\n");
            if (q == 1) {
                page.append("<details><summary>Incidents by weekday and hour (table)</summary>\n");
                weekdayHourGrid(page, tables.get(1));
                page.append("</details>\n");
            } else {
                table(page, headers.get(q), tables.get(q));
            }
        }
        page.append("<h2 id=\"surge-limits\">SURGE limits learnt from history</h2>\n")
                .append("<p>Each ward's limit for one window at each hour of the week: the smallest count k with ")
                .append("P(X &ge; k) &le; 0.1 % for X ~ Poisson(the ward's average for that hour). Give the stream ")
                .append("<code>--surge-limits ").append(SURGE_LIMITS)
                .append(".csv</code> (docs/DATA.md, \"Surges in event time\").</p>\n")
                .append("<img id=\"chart-surge-limits\" src=\"").append(SURGE_LIMITS)
                .append(".png\" alt=\"SURGE limits\">\n<p><a href=\"").append(SURGE_LIMITS).append(".csv\">")
                .append(SURGE_LIMITS).append(".csv</a></p>\n");
        page.append("</body></html>\n");
        try (OutputStream stream = BatchOutputWriter.replaceOwnerOnly(fs, new Path(out, "report.html"))) {
            stream.write(page.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void variationSummary(StringBuilder page, List<SpcSeries> series) {
        page.append("<h2 id=\"variation\">Variation by ward, latest month</h2>\n<p>Each ward's monthly counts on an ")
                .append("XmR chart (NHS England, \"Making Data Count\"): ")
                .append(icon(Spc.Variation.SPECIAL_CAUSE_CONCERNING)).append("<b>special cause, concerning</b>: the ")
                .append("latest month is a signal that incidents rose (beyond the process limits, a run of 7 above the")
                .append(" ")
                .append("mean or rising, or 2 of 3 near the upper limit): look for the cause. ")
                .append(icon(Spc.Variation.SPECIAL_CAUSE_IMPROVING)).append("<b>special cause, improving</b>: a ")
                .append("signal that they fell: learn what changed. ").append(icon(Spc.Variation.COMMON_CAUSE))
                .append("<b>common cause</b>: no signal, the ward's usual variation: react to no single month. ")
                .append("Limits from fewer than ").append(Spc.TRIAL_BELOW).append(" months are trial limits.</p>\n")
                .append("<table id=\"variation-summary\"><tr><th>ward</th><th>month</th><th>incidents</th>")
                .append("<th>variation</th><th>severe harm or death</th><th>variation</th><th>limits</th></tr>\n");
        for (int i = 0; i + 1 < series.size(); i += 2) {
            SpcSeries incidents = series.get(i);
            SpcSeries severe = series.get(i + 1);
            int last = incidents.months().size() - 1;
            page.append("<tr><td><a href=\"#spc-").append(i / 2 + 1).append("\">").append(escape(incidents.wardId()))
                    .append("</a></td><td>").append(incidents.months().get(last)).append("</td><td>")
                    .append(incidents.chart().points().get(last).value()).append("</td>");
            variationCell(page, incidents);
            page.append("<td>").append(severe.chart().points().get(last).value()).append("</td>");
            variationCell(page, severe);
            page.append("<td>").append(incidents.chart().trial() ? "trial" : "").append("</td></tr>\n");
        }
        page.append("</table>\n<p>Every point: <a href=\"").append(SPC).append(".csv\">").append(SPC)
                .append(".csv</a>; the latest: <a href=\"").append(SPC).append("-summary.csv\">").append(SPC)
                .append("-summary.csv</a></p>\n");
    }

    private static void variationCell(StringBuilder page, SpcSeries series) {
        Spc.Variation variation = series.chart().latestVariation();
        page.append("<td class=\"variation\" data-variation=\"").append(variation.code()).append("\">")
                .append(icon(variation)).append(words(variation)).append("</td>");
    }

    private static String icon(Spc.Variation variation) {
        String letter = switch (variation) {
            case SPECIAL_CAUSE_CONCERNING -> "H";
            case SPECIAL_CAUSE_IMPROVING -> "L";
            case COMMON_CAUSE -> "~";
        };
        return "<span class=\"icon " + variation.code() + "\" title=\"" + words(variation) + "\">" + letter
                + "</span>";
    }

    private static String words(Spc.Variation variation) {
        return switch (variation) {
            case SPECIAL_CAUSE_CONCERNING -> "special cause, concerning";
            case SPECIAL_CAUSE_IMPROVING -> "special cause, improving";
            case COMMON_CAUSE -> "common cause";
        };
    }

    private static void xmrCharts(StringBuilder page, List<SpcSeries> series) {
        page.append("<h2 id=\"xmr\">XmR charts by ward</h2>\n<p>Mean solid, process limits (mean &plusmn; 2.66 ")
                .append("&times; the average moving range) dashed; points orange where a signal says concerning, ")
                .append("blue where it says improving.</p>\n");
        for (int i = 0; i < series.size(); i++) {
            SpcSeries one = series.get(i);
            if (i % 2 == 0) {
                page.append("<h3 id=\"spc-").append(i / 2 + 1).append("\">").append(escape(one.wardId()))
                        .append("</h3>\n");
            }
            String name = spcChartName(series, i);
            page.append("<img id=\"chart-").append(name, 0, name.length() - 4).append("\" src=\"").append(name)
                    .append("\" alt=\"").append(escape(one.wardId() + ": " + SpcChartImage.title(one.measure())))
                    .append("\">\n<p><a href=\"").append(SPC).append(".csv\">").append(SPC).append(".csv</a></p>\n")
                    .append("<details><summary>").append(escape(SpcChartImage.title(one.measure())))
                    .append(": points and signals</summary>\n");
            List<List<Object>> rows = new ArrayList<>();
            for (List<Object> row : one.rows()) {
                rows.add(List.of(row.get(2), row.get(3), row.get(7), row.get(8)));
            }
            plainTable(page, List.of("month", "value", "signals", "direction"), rows);
            page.append("<p>mean ").append(Spc.written(one.chart().mean())).append(", limits ")
                    .append(Spc.written(one.chart().lowerLimit())).append(" to ")
                    .append(Spc.written(one.chart().upperLimit())).append(one.chart().trial() ? " (trial)" : "")
                    .append("</p></details>\n");
        }
    }

    private static String hex(Color color) {
        return String.format(Locale.ROOT, "#%06X", color.getRGB() & 0xFFFFFF);
    }

    private static void table(StringBuilder page, List<String> header, List<List<Object>> rows) {
        if (rows.size() > FOLD_ROWS) {
            page.append("<details><summary>").append(rows.size()).append(" rows</summary>\n");
            plainTable(page, header, rows);
            page.append("</details>\n");
        } else {
            plainTable(page, header, rows);
        }
    }

    private static void plainTable(StringBuilder page, List<String> header, List<List<Object>> rows) {
        page.append("<table><tr>");
        header.forEach(h -> page.append("<th>").append(escape(h)).append("</th>"));
        page.append("</tr>\n");
        for (List<Object> row : rows) {
            page.append("<tr>");
            row.forEach(v -> page.append("<td>").append(escape(String.valueOf(v))).append("</td>"));
            page.append("</tr>\n");
        }
        page.append("</table>\n");
    }

    private static void weekdayHourGrid(StringBuilder page, List<List<Object>> q2) {
        page.append("<table><tr><th>weekday \\ hour</th>");
        for (int hour = 0; hour < 24; hour++) {
            page.append("<th>").append(hour).append("</th>");
        }
        page.append("</tr>\n");
        for (int day = 0; day < 7; day++) {
            page.append("<tr><td>").append(DayOfWeek.of(day + 1).getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                    .append("</td>");
            for (int hour = 0; hour < 24; hour++) {
                page.append("<td>").append(q2.get(day * 24 + hour).get(2)).append("</td>");
            }
            page.append("</tr>\n");
        }
        page.append("</table>\n");
    }

    private void png(String name, Chart<?, ?> chart) throws IOException {
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        try (OutputStream stream = BatchOutputWriter.replaceOwnerOnly(fs, new Path(out, name + ".png"))) {
            stream.write(bytes);
        }
    }

    private static List<String> column(List<List<Object>> rows, int index) {
        List<String> values = new ArrayList<>();
        for (List<Object> row : rows) {
            values.add((String) row.get(index));
        }
        return values;
    }

    /** XChart needs at least one category: an empty scope gets one named so. */
    private static List<String> orPlaceholder(List<String> values) {
        return values.isEmpty() ? List.of("(no incidents)") : values;
    }

    private static String escape(String text) {
        return StringEscapeUtils.escapeHtml4(text);
    }
}

package org.hospital.incidents.analytics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws one {@link SpcSeries} as a Making Data Count XmR chart (XChart's bitmap encoder): the values joined by a grey
 * line, the mean solid, the process limits dashed, and each point coloured by what its signals say: orange for
 * special cause concerning, blue for special cause improving, grey for common cause (NHS England, "Making Data
 * Count: getting started", the variation icons' colours).
 */
final class SpcChartImage {

    /** Special cause concerning (Making Data Count orange). */
    static final Color CONCERNING = new Color(0xED8B00);
    /** Special cause improving (Making Data Count blue). */
    static final Color IMPROVING = new Color(0x41B6E6);
    /** Common cause (grey). */
    static final Color COMMON = new Color(0xA6A6A6);

    private static final int WIDTH = 900;
    private static final int HEIGHT = 360;
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {7f, 5f}, 0f);

    private SpcChartImage() {
    }

    /**
     * @param series the series and its chart
     * @return the chart as PNG bytes, {@value #WIDTH} × {@value #HEIGHT} pixels
     * @throws IOException from the encoder
     */
    static byte[] png(SpcSeries series) throws IOException {
        Spc.Chart chart = series.chart();
        XYChart image = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(series.wardId() + "  " + title(series.measure()) + (chart.trial() ? "  (trial limits)" : ""))
                .xAxisTitle("Month").yAxisTitle(series.measure().equals(SpcSeries.INCIDENTS) ? "Incidents"
                        : "Severe harm or death").build();
        image.getStyler().setDatePattern("yyyy-MM");
        image.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        image.getStyler().setPlotGridVerticalLinesVisible(false);
        image.getStyler().setChartBackgroundColor(Color.WHITE);
        List<Date> months = new ArrayList<>();
        series.months().forEach(m -> months.add(Date.from(m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))));
        image.getStyler().setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        List<Number> values = new ArrayList<>();
        List<Date> concerningAt = new ArrayList<>();
        List<Number> concerning = new ArrayList<>();
        List<Date> improvingAt = new ArrayList<>();
        List<Number> improving = new ArrayList<>();
        for (int i = 0; i < months.size(); i++) {
            Spc.Point point = chart.points().get(i);
            values.add(point.value());
            if (point.direction() == Spc.Direction.CONCERNING) {
                concerningAt.add(months.get(i));
                concerning.add(point.value());
            } else if (point.direction() == Spc.Direction.IMPROVING) {
                improvingAt.add(months.get(i));
                improving.add(point.value());
            }
        }
        line(image, "upper limit", months, chart.upperLimit().doubleValue(), DASHED);
        line(image, "mean", months, chart.mean().doubleValue(), SOLID);
        line(image, "lower limit", months, chart.lowerLimit().doubleValue(), DASHED);
        XYSeries all = image.addSeries("common cause", months, values);
        all.setLineColor(COMMON);
        all.setMarkerColor(COMMON);
        all.setMarker(SeriesMarkers.CIRCLE);
        points(image, "special cause concerning", concerningAt, concerning, CONCERNING);
        points(image, "special cause improving", improvingAt, improving, IMPROVING);
        return BitmapEncoder.getBitmapBytes(image, BitmapEncoder.BitmapFormat.PNG);
    }

    /** @return the measure's words on the chart */
    static String title(String measure) {
        return measure.equals(SpcSeries.INCIDENTS) ? "incidents per month" : "severe harm or death per month";
    }

    private static void line(XYChart image, String name, List<Date> months, double level, BasicStroke stroke) {
        XYSeries line = image.addSeries(name, months, Collections.nCopies(months.size(), level));
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(Color.DARK_GRAY);
        line.setLineStyle(stroke);
    }

    private static void points(XYChart image, String name, List<Date> at, List<Number> values, Color color) {
        if (at.isEmpty()) {
            return;
        }
        XYSeries points = image.addSeries(name, at, values);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        points.setMarkerColor(color);
    }
}

package org.hospital.incidents.stream.ui;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.text.StringEscapeUtils;
import org.hospital.incidents.support.ConsoleText;

/**
 * The Incidents tab's HTML (docs/OPERATIONS.md "The Incidents tab"), from {@link ConsoleFigures#json}: a status line,
 * the wards with their event-time window and an SVG sparkline of the last hour, open SURGE bursts, the latest
 * CRITICAL alerts, the re-qualification queue, rejected lines of the last hour by reason and the incident ledger.
 *
 * <p>Every value from the stream (ward and event ids, messages, reasons) is escaped for HTML text or a double-quoted
 * attribute, where it stands; the only script is the page's own refresh ({@link #REFRESH_SCRIPT}), which takes the
 * page again every 2 s and swaps the figures in, parsed by the browser as inert HTML. No resource from outside the
 * driver: it works without internet.
 */
public final class IncidentsHtml {

    /** Harm levels in the order a row shows them, worst first (AHRQ Common Formats harm scale). */
    static final List<String> HARM_LEVELS = List.of("death", "severe", "moderate", "mild", "none", "unknown");

    /** Refreshes the figures every 2 s without reloading the page. */
    static final String REFRESH_SCRIPT = "<script>(function(){function refresh(){fetch(window.location.pathname,"
            + "{credentials:'same-origin',cache:'no-store'}).then(function(r){return r.ok?r.text():null;})"
            + ".then(function(t){if(!t){return;}var doc=new DOMParser().parseFromString(t,'text/html');"
            + "var fresh=doc.getElementById('incidents-figures');var now=document.getElementById('incidents-figures');"
            + "if(fresh&&now){now.replaceWith(document.importNode(fresh,true));}}).catch(function(){});}"
            + "setInterval(refresh,2000);})();</script>";

    private static final int SPARK_WIDTH = 160;
    private static final int SPARK_HEIGHT = 28;

    private IncidentsHtml() {
    }

    /**
     * @param figures {@link ConsoleFigures#json}
     * @param nowMillis now, epoch millis
     * @return the tab's content: the figures in {@code <div id="incidents-figures">}, then the refresh script
     */
    public static String render(JsonObject figures, long nowMillis) {
        StringBuilder html = new StringBuilder(16 * 1024);
        html.append("<style>#incidents-figures .spark{vertical-align:middle}#incidents-figures td.num{text-align:")
                .append("right}#incidents-figures .over{color:#b00020;font-weight:bold}#incidents-figures h4{")
                .append("margin-top:1.2em}</style>\n<div id=\"incidents-figures\" data-batch-time=\"")
                .append(figures.get("batchTime").isJsonNull() ? "" : figures.get("batchTime").getAsString())
                .append("\">\n");
        status(html, figures.getAsJsonObject("status"), figures.get("batchTime"));
        wards(html, figures.getAsJsonArray("wards"));
        surges(html, figures.getAsJsonArray("openSurges"));
        critical(html, figures.getAsJsonArray("criticalAlerts"));
        review(html, figures.getAsJsonObject("review"));
        rejected(html, figures.getAsJsonObject("rejected"));
        ledger(html, figures.get("ledger"));
        html.append("</div>\n").append(REFRESH_SCRIPT);
        return html.toString();
    }

    private static void status(StringBuilder html, JsonObject status, JsonElement batchTime) {
        html.append("<p id=\"incidents-status\">");
        if (batchTime.isJsonNull()) {
            html.append("No batch has completed yet.</p>\n");
            return;
        }
        html.append("<strong>Sources:</strong> ").append(text(status, "sources"));
        html.append(" &middot; <strong>receivers active:</strong> ").append(text(status, "receiversActive"))
                .append(" of ").append(text(status, "receivers"));
        html.append(" &middot; <strong>latest batch:</strong> ").append(instant(batchTime.getAsLong()));
        if (status.has("processingMillis")) {
            long processing = status.get("processingMillis").getAsLong();
            long interval = status.get("batchIntervalMillis").getAsLong();
            html.append(", processed in <span class=\"").append(processing > interval ? "over" : "").append("\">")
                    .append(processing).append(" ms</span> of a ").append(interval).append(" ms batch interval");
        }
        html.append(" &middot; <strong>batches queued:</strong> ").append(text(status, "queued"));
        html.append("<br><strong>event-time clock:</strong> ").append(text(status, "eventTimeClock"))
                .append(" &middot; <strong>watermark:</strong> ").append(text(status, "watermark"))
                .append(" &middot; <strong>late reports:</strong> ").append(text(status, "late")).append("</p>\n");
    }

    private static void wards(StringBuilder html, JsonArray wards) {
        html.append("<h4>Wards</h4>\n<table id=\"incidents-wards\" class=\"table table-bordered table-sm\"><thead><tr>")
                .append("<th>ward</th><th>total</th>");
        HARM_LEVELS.forEach(level -> html.append("<th>").append(level).append("</th>"));
        html.append("<th>late</th><th>amended</th><th>latest occurredAt</th><th>current window</th>")
                .append("<th>count / limit</th><th>limit from</th><th>last hour</th><th>variation (SPC)</th>")
                .append("</tr></thead><tbody>\n");
        for (JsonElement element : wards) {
            JsonObject ward = element.getAsJsonObject();
            JsonObject harm = ward.has("byHarmLevel") ? ward.getAsJsonObject("byHarmLevel") : new JsonObject();
            html.append("<tr data-ward=\"").append(escape(ward.get("wardId").getAsString())).append("\"><td>")
                    .append(escape(ward.get("wardId").getAsString())).append("</td><td class=\"num\">")
                    .append(text(ward, "total")).append("</td>");
            HARM_LEVELS.forEach(level -> html.append("<td class=\"num\">")
                    .append(harm.has(level) ? harm.get(level).getAsLong() : 0).append("</td>"));
            html.append("<td class=\"num\">").append(text(ward, "late")).append("</td><td class=\"num\">")
                    .append(text(ward, "amended")).append("</td><td>").append(text(ward, "lastOccurredAt"))
                    .append("</td>");
            JsonObject window = ward.has("window") ? ward.getAsJsonObject("window") : null;
            if (window == null) {
                html.append("<td></td><td></td><td></td><td></td>");
            } else {
                long count = window.get("count").getAsLong();
                long limit = window.has("limit") ? window.get("limit").getAsLong() : 0;
                html.append("<td>").append(text(window, "windowStart")).append("</td><td class=\"num")
                        .append(limit > 0 && count >= limit ? " over" : "").append("\">").append(count)
                        .append(" / ").append(window.has("limit") ? Long.toString(limit) : "?").append("</td><td>")
                        .append(text(window, "limitSource")).append("</td><td>")
                        .append(sparkline(window.getAsJsonArray("lastHour"), limit)).append("</td>");
            }
            html.append("<td>").append(variation(ward)).append("</td></tr>\n");
        }
        if (wards.isEmpty()) {
            html.append("<tr><td colspan=\"15\">No ward has reported yet.</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static String variation(JsonObject ward) {
        if (!ward.has("variation")) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, JsonElement> measure : ward.getAsJsonObject("variation").entrySet()) {
            text.append(text.length() == 0 ? "" : "; ").append(escape(measure.getKey())).append(": ")
                    .append(escape(measure.getValue().getAsString()));
        }
        return text.toString();
    }

    /** An inline SVG of the last hour's window counts, the limit dashed; numbers only, nothing to escape. */
    static String sparkline(JsonArray points, long limit) {
        if (points == null || points.isEmpty()) {
            return "";
        }
        // The last hour, or less when the ward has less: the line spans the width either way.
        long newest = points.get(points.size() - 1).getAsJsonArray().get(0).getAsLong();
        long from = Math.max(newest - BatchDigest.SPARKLINE_MILLIS, points.get(0).getAsJsonArray().get(0).getAsLong());
        long span = Math.max(1, newest - from);
        long max = Math.max(1, limit);
        for (JsonElement point : points) {
            max = Math.max(max, point.getAsJsonArray().get(1).getAsLong());
        }
        StringBuilder svg = new StringBuilder("<svg class=\"spark\" width=\"").append(SPARK_WIDTH)
                .append("\" height=\"").append(SPARK_HEIGHT).append("\" viewBox=\"0 0 ").append(SPARK_WIDTH)
                .append(' ').append(SPARK_HEIGHT).append("\" role=\"img\" aria-label=\"window counts, last hour\">");
        if (limit > 0) {
            double y = y(limit, max);
            svg.append(String.format(Locale.ROOT, "<line x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#b00020\" stroke-dasharray=\"3,2\" stroke-width=\"1\"/>", SPARK_WIDTH, y, y));
        }
        svg.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"");
        for (JsonElement element : points) {
            JsonArray point = element.getAsJsonArray();
            double x = (point.get(0).getAsLong() - from) * (double) (SPARK_WIDTH - 2) / span + 1;
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(point.get(1).getAsLong(), max)));
        }
        return svg.append("\"/></svg>").toString();
    }

    private static double y(long value, long max) {
        return SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4) * (double) value / max;
    }

    private static void surges(StringBuilder html, JsonArray surges) {
        html.append("<h4>Open SURGE bursts</h4>\n<table id=\"incidents-surges\" class=\"table table-bordered ")
                .append("table-sm\"><thead><tr><th>ward</th><th>windowStart</th><th>count</th><th>limit</th>")
                .append("<th>limit from</th><th>since (batch)</th></tr></thead><tbody>\n");
        for (JsonElement element : surges) {
            JsonObject surge = element.getAsJsonObject();
            html.append("<tr><td>").append(text(surge, "wardId")).append("</td><td>").append(text(surge, "windowStart"))
                    .append("</td><td class=\"num\">").append(text(surge, "count")).append("</td><td class=\"num\">")
                    .append(text(surge, "limit")).append("</td><td>").append(text(surge, "limitSource"))
                    .append("</td><td>").append(instant(surge.get("since").getAsLong())).append("</td></tr>\n");
        }
        if (surges.isEmpty()) {
            html.append("<tr><td colspan=\"6\">None.</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void critical(StringBuilder html, JsonArray alerts) {
        html.append("<h4>Latest CRITICAL alerts</h4>\n<table id=\"incidents-critical\" class=\"table table-bordered ")
                .append("table-sm\"><thead><tr><th>batch</th><th>occurredAt</th><th>ward</th><th>eventId</th>")
                .append("<th>harm level</th><th>message</th></tr></thead><tbody>\n");
        for (JsonElement element : alerts) {
            JsonObject alert = element.getAsJsonObject();
            html.append("<tr data-alert-id=\"").append(text(alert, "alertId")).append("\"><td>")
                    .append(instant(alert.get("batchTime").getAsLong())).append("</td><td>")
                    .append(text(alert, "occurredAt")).append("</td><td>").append(text(alert, "wardId"))
                    .append("</td><td>").append(text(alert, "eventId")).append("</td><td>")
                    .append(text(alert, "harmLevel")).append(alert.has("amended") ? " (amended)" : "")
                    .append("</td><td>").append(text(alert, "message")).append("</td></tr>\n");
        }
        if (alerts.isEmpty()) {
            html.append("<tr><td colspan=\"6\">None since the job started.</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void review(StringBuilder html, JsonObject review) {
        html.append("<h4>Re-qualification queue</h4>\n<p id=\"incidents-review\"><strong>")
                .append(text(review, "pending")).append("</strong> reports wait for a person (unclassified)");
        if (review.has("oldestPendingAgeSeconds")) {
            long age = review.get("oldestPendingAgeSeconds").getAsLong();
            html.append("; the oldest ").append(review.get("oldestPendingKnown").getAsBoolean() ? ""
                    : "queued since the driver started ").append("has waited ").append(age / 3600).append(" h ")
                    .append(age % 3600 / 60).append(" min");
        }
        html.append(". <code>bin/incident-review list</code> shows them.</p>\n");
    }

    private static void rejected(StringBuilder html, JsonObject rejected) {
        html.append("<h4>Rejected lines, last hour, by reason</h4>\n<table id=\"incidents-rejected\" class=\"table ")
                .append("table-bordered table-sm\"><thead><tr><th>reason</th><th>lines</th></tr></thead><tbody>\n");
        JsonObject reasons = rejected.getAsJsonObject("lastHourByReason");
        for (Map.Entry<String, JsonElement> reason : reasons.entrySet()) {
            html.append("<tr><td>").append(escape(reason.getKey())).append("</td><td class=\"num\">")
                    .append(reason.getValue().getAsLong()).append("</td></tr>\n");
        }
        if (reasons.isEmpty()) {
            html.append("<tr><td colspan=\"2\">None.</td></tr>\n");
        }
        html.append("</tbody></table>\n<p>").append(text(rejected, "total"))
                .append(" lines rejected since the job started; each is kept in <code>rejected/</code> with its ")
                .append("reason.</p>\n");
    }

    private static void ledger(StringBuilder html, JsonElement ledger) {
        html.append("<h4>Incident ledger</h4>\n<p id=\"incidents-ledger\">");
        if (ledger == null || ledger.isJsonNull()) {
            html.append("Not measured yet (counted every 10 s), or off (dedup-horizon-hours=0).</p>\n");
            return;
        }
        JsonObject size = ledger.getAsJsonObject();
        html.append(text(size, "eventIds")).append(" eventIds held, about ")
                .append(size.get("estimatedBytes").getAsLong() >> 20).append(" MB, for a horizon of ")
                .append(text(size, "horizonHours")).append(" h (measured at batch ")
                .append(instant(size.get("measuredAt").getAsLong())).append(")</p>\n");
    }

    private static String instant(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** @return the member's value as HTML text (empty when absent or null) */
    private static String text(JsonObject json, String member) {
        JsonElement value = json.get(member);
        return value == null || value.isJsonNull() ? "" : escape(value.getAsString());
    }

    /**
     * @param value text from the stream
     * @return it escaped for HTML text and double-quoted or single-quoted attributes ({@code & < > " '}), control
     *     characters shown as escapes ({@link ConsoleText#escape}) so one value stays one line
     */
    static String escape(String value) {
        return StringEscapeUtils.escapeHtml4(ConsoleText.escape(value)).replace("'", "&#39;");
    }
}

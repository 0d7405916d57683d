package org.hospital.incidents.stream.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** The tab's HTML escapes every value from the stream where it stands, and its only script is its own refresh. */
class IncidentsHtmlTest {

    private static final long T0 = 1_796_000_000_000L;
    private static final String WARD = "<script>alert('w')</script>\"W&";
    private static final String EVENT = "\"><img src=x onerror=alert(1)>";

    @Test
    void markupInAWardIdAnEventIdOrAReasonShowsAsText() {
        ConsoleFigures figures = new ConsoleFigures();
        com.google.gson.Gson gson = new com.google.gson.Gson();
        JsonObject ward = new JsonObject();
        ward.addProperty("wardId", WARD);
        ward.addProperty("total", 1);
        ward.add("byHarmLevel", new JsonObject());
        ward.add("byCategory", new JsonObject());
        ward.addProperty("lastOccurredAt", "2026-11-21T08:00:00Z");
        ward.addProperty("late", 0);
        ward.addProperty("amended", 0);
        ward.addProperty("batchTime", T0);
        JsonObject alert = new JsonObject();
        alert.addProperty("alertId", "CRITICAL:" + EVENT);
        alert.addProperty("type", "CRITICAL");
        alert.addProperty("wardId", WARD);
        alert.addProperty("batchTime", T0);
        alert.addProperty("message", "CRITICAL death in ward " + WARD + ": event " + EVENT + "\u001b[31m");
        alert.addProperty("eventId", EVENT);
        alert.addProperty("harmLevel", "death");
        alert.addProperty("occurredAt", "2026-11-21T08:00:00Z");
        figures.apply("{\"batchTime\":" + T0 + ",\"sources\":" + gson.toJson("socket <b>") + ",\"wardTotals\":["
                + ward + "],\"criticalAlerts\":[" + alert + "],\"rejectedByReason\":{" + gson.toJson("<i>bad</i>")
                + ":1},\"windows\":{" + gson.toJson(WARD) + ":[[1000,61000,2]]}}");
        String html = IncidentsHtml.render(figures.json(T0), T0);
        assertEquals(1, html.split("<script", -1).length - 1, "one script, the page's own refresh");
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>") || html.contains("<i>"), html);
        assertFalse(html.contains("\u001b"), "no raw control character");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;w&#39;)&lt;/script&gt;&quot;W&amp;"), html);
        assertTrue(html.contains("data-ward=\"&lt;script&gt;alert(&#39;w&#39;)&lt;/script&gt;&quot;W&amp;\""));
        assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), html);
        assertTrue(html.contains("\\u001b[31m"), "the escape shown as text");
        assertTrue(html.contains("<polyline"), "the sparkline");
    }

    @Test
    void beforeTheFirstBatchThePageSaysSo() {
        String html = IncidentsHtml.render(new ConsoleFigures().json(T0), T0);
        assertTrue(html.contains("No batch has completed yet."), html);
        assertTrue(html.contains("No ward has reported yet."));
    }
}

package org.hospital.incidents.stream.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tab's figures from a sequence of batch events, as the live driver and the History Server apply them: the
 * latest ward-totals line wins by batch time, CRITICAL alerts newest first and capped, SURGE bursts open while the
 * ward's windows overlap them, an hour of rejections, the review queue, and a snapshot that restores the same figures.
 */
class ConsoleFiguresTest {

    private static final long T0 = 1_796_000_000_000L;

    private static String wardLine(String ward, long total, long batchTime, long unclassified) {
        return "{\"wardId\":\"" + ward + "\",\"total\":" + total + ",\"byHarmLevel\":{\"none\":" + total + "},"
                + "\"byCategory\":{\"fall\":" + (total - unclassified) + ",\"unclassified\":" + unclassified + "},"
                + "\"lastOccurredAt\":\"2026-11-21T08:00:0" + (total % 10) + "Z\",\"requalified\":0,\"amended\":0,"
                + "\"late\":1,\"batchTime\":" + batchTime + "}";
    }

    private static String critical(String eventId, long batchTime, String occurredAt) {
        return "{\"alertId\":\"CRITICAL:" + eventId + "\",\"type\":\"CRITICAL\",\"wardId\":\"W1\",\"batchTime\":"
                + batchTime + ",\"message\":\"m\",\"eventId\":\"" + eventId + "\",\"harmLevel\":\"death\","
                + "\"occurredAt\":\"" + occurredAt + "\"}";
    }

    private static String batch(long batchTime, String members) {
        return "{\"batchTime\":" + batchTime + ",\"batchIntervalMillis\":1000,\"windowSeconds\":60,"
                + "\"allowedLatenessSeconds\":3600" + (members.isEmpty() ? "" : "," + members) + "}";
    }

    @Test
    void theLatestWardTotalsLineWinsWhateverTheOrderOfArrival() {
        ConsoleFigures figures = new ConsoleFigures();
        figures.apply(batch(T0 + 2000, "\"wardTotals\":[" + wardLine("W1", 5, T0 + 2000, 1) + "]"));
        // The start-up snapshot arrives late with an older line of W1 and a line of W2.
        figures.apply("{\"wardTotals\":[" + wardLine("W1", 3, T0 - 5000, 0) + "," + wardLine("W2", 7, T0 - 5000, 2)
                + "],\"variations\":{\"W2\":{\"incidents\":\"special-cause-concerning\"}}}");
        JsonObject json = figures.json(T0 + 3000);
        JsonArray wards = json.getAsJsonArray("wards");
        assertEquals(2, wards.size());
        assertEquals(5, wards.get(0).getAsJsonObject().get("total").getAsLong(), "W1's newer line kept");
        JsonObject w2 = wards.get(1).getAsJsonObject();
        assertEquals(JsonParser.parseString(wardLine("W2", 7, T0 - 5000, 2)).getAsJsonObject().get("byCategory"),
                w2.get("byCategory"));
        assertEquals("special-cause-concerning", w2.getAsJsonObject("variation").get("incidents").getAsString());
        assertEquals(3, json.getAsJsonObject("review").get("pending").getAsLong(), "the wards' unclassified");
        assertEquals(2, json.getAsJsonObject("status").get("late").getAsLong());
        assertEquals(T0 + 2000, json.get("batchTime").getAsLong());
    }

    @Test
    void criticalAlertsAreNewestFirstByBatchTimeThenOccurredAtAndCappedAtFifty() {
        ConsoleFigures figures = new ConsoleFigures();
        List<String> expected = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            long batchTime = T0 + b * 1000L;
            // Within a batch the feed sends them newest occurredAt first.
            String a = critical("E" + b + "-late", batchTime, "2026-11-21T08:00:59Z");
            String c = critical("E" + b + "-early", batchTime, "2026-11-21T08:00:01Z");
            figures.apply(batch(batchTime, "\"criticalAlerts\":[" + a + "," + c + "]"));
            expected.add(0, "E" + b + "-early");
            expected.add(0, "E" + b + "-late");
        }
        JsonArray alerts = figures.json(T0).getAsJsonArray("criticalAlerts");
        assertEquals(ConsoleFigures.CRITICAL_SHOWN, alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            assertEquals(expected.get(i), alerts.get(i).getAsJsonObject().get("eventId").getAsString());
        }
    }

    @Test
    void aSurgeBurstStaysOpenWhileTheWardsWindowsOverlapItAndShowsTheWindowsLatestCount() {
        ConsoleFigures figures = new ConsoleFigures();
        String surge = "{\"alertId\":\"SURGE:W1:1000\",\"type\":\"SURGE\",\"wardId\":\"W1\",\"batchTime\":" + T0
                + ",\"message\":\"m\",\"count\":10,\"windowStart\":\"1970-01-01T00:00:01Z\","
                + "\"windowEnd\":\"1970-01-01T00:01:01Z\",\"limit\":10,\"limitSource\":\"threshold\"}";
        figures.apply(batch(T0, "\"surgeAlerts\":[" + surge + "],\"windows\":{\"W1\":[[1000,61000,10]]}"));
        figures.apply(batch(T0 + 1000, "\"windows\":{\"W1\":[[1000,61000,12],[6000,66000,11]]}"));
        JsonArray open = figures.json(T0).getAsJsonArray("openSurges");
        assertEquals(1, open.size());
        assertEquals(12, open.get(0).getAsJsonObject().get("count").getAsLong(), "the window grew after the alert");
        assertEquals(T0, open.get(0).getAsJsonObject().get("since").getAsLong());
        // The clock (newest occurredAt, 00:01:05) is held by windows from 00:00:06 on: they still overlap the alerted
        // window [00:00:01, 00:01:01), so the burst stays open.
        String ward = "{\"wardId\":\"W1\",\"total\":30,\"byHarmLevel\":{},\"byCategory\":{},\"lastOccurredAt\":"
                + "\"1970-01-01T00:01:05Z\",\"late\":0,\"amended\":0,\"batchTime\":" + (T0 + 2000) + "}";
        figures.apply(batch(T0 + 2000, "\"wardTotals\":[" + ward + "],\"windows\":{\"W1\":[[61000,121000,1],"
                + "[11000,71000,12]]}"));
        assertEquals(1, figures.json(T0).getAsJsonArray("openSurges").size(), "its windows still overlap it");
        String later = ward.replace("00:01:05Z", "00:02:05Z").replace(Long.toString(T0 + 2000), Long.toString(T0
                + 3000));
        figures.apply(batch(T0 + 3000, "\"wardTotals\":[" + later + "],\"windows\":{\"W1\":[[66000,126000,2]]}"));
        assertEquals(0, figures.json(T0).getAsJsonArray("openSurges").size(), "closed: the ward moved past it");
    }

    @Test
    void rejectionsOlderThanAnHourLeaveTheReasonsButNotTheTotal() {
        ConsoleFigures figures = new ConsoleFigures();
        figures.apply(batch(T0, "\"rejected\":2,\"rejectedByReason\":{\"missing required field …\":2}"));
        figures.apply(batch(T0 + 1_800_000, "\"rejected\":1,\"rejectedByReason\":{\"not a JSON object\":1}"));
        JsonObject rejected = figures.json(T0).getAsJsonObject("rejected");
        assertEquals(2, rejected.getAsJsonObject("lastHourByReason").size());
        figures.apply(batch(T0 + 3_600_000, ""));
        rejected = figures.json(T0).getAsJsonObject("rejected");
        assertEquals("{\"not a JSON object\":1}", rejected.get("lastHourByReason").toString());
        assertEquals(3, rejected.get("total").getAsLong());
    }

    @Test
    void theOldestPendingReportIsTheOldestQueuedAndNotRequalified() {
        ConsoleFigures figures = new ConsoleFigures();
        figures.apply(batch(T0, "\"reviewed\":[\"A\",\"B\"],\"wardTotals\":[" + wardLine("W1", 4, T0, 2) + "]"));
        figures.apply(batch(T0 + 60_000, "\"reviewed\":[\"C\"],\"requalifiedIds\":[\"A\",\"B\"],\"wardTotals\":["
                + wardLine("W1", 5, T0 + 60_000, 1) + "]"));
        JsonObject review = figures.json(T0 + 90_000).getAsJsonObject("review");
        assertEquals(1, review.get("pending").getAsLong());
        assertEquals(30, review.get("oldestPendingAgeSeconds").getAsLong());
        assertTrue(review.get("oldestPendingKnown").getAsBoolean());
    }

    @Test
    void theCurrentWindowHoldsTheClockAndStartedFirst() {
        ConsoleFigures figures = new ConsoleFigures();
        long clock = java.time.Instant.parse("2026-11-21T08:00:05Z").toEpochMilli();
        figures.apply(batch(T0, "\"wardTotals\":[" + wardLine("W1", 5, T0, 0) + "],\"windows\":{\"W1\":[["
                + (clock - 70_000) + "," + (clock - 10_000) + ",9],[" + (clock - 55_000) + "," + (clock + 5_000)
                + ",8],[" + (clock - 5_000) + "," + (clock + 55_000) + ",1]]},\"limits\":{\"W1\":{\"limit\":10,"
                + "\"limitSource\":\"threshold\"}}"));
        JsonObject window = figures.json(T0).getAsJsonArray("wards").get(0).getAsJsonObject()
                .getAsJsonObject("window");
        assertEquals(8, window.get("count").getAsLong(), "the window of the last 60 s up to the clock: " + window);
        assertEquals(10, window.get("limit").getAsLong());
        assertEquals(3, window.getAsJsonArray("lastHour").size());
    }

    @Test
    void aSnapshotRestoresTheSameFigures() {
        ConsoleFigures figures = new ConsoleFigures();
        figures.apply(batch(T0, "\"wardTotals\":[" + wardLine("W1", 4, T0, 2) + "],\"criticalAlerts\":["
                + critical("E1", T0, "2026-11-21T08:00:00Z") + "],\"windows\":{\"W1\":[[1000,61000,3]]},"
                + "\"rejected\":1,\"rejectedByReason\":{\"r\":1},\"reviewed\":[\"X\"],\"ledger\":{\"eventIds\":4,"
                + "\"estimatedBytes\":100,\"measuredAt\":" + T0 + ",\"horizonHours\":168}"));
        JsonObject before = figures.json(T0 + 5000);
        JsonObject after = ConsoleFigures.restore(figures.snapshot()).json(T0 + 5000);
        before.getAsJsonObject("status").remove("figuresMicrosLastBatch");
        before.getAsJsonObject("status").remove("figuresMicrosMax");
        before.getAsJsonObject("status").remove("figuresMicrosMean");
        before.getAsJsonObject("status").remove("figuresMicrosMaxLast60");
        after.getAsJsonObject("status").remove("figuresMicrosMaxLast60");
        after.getAsJsonObject("status").remove("figuresMicrosMean");
        after.getAsJsonObject("status").remove("figuresMicrosLastBatch");
        after.getAsJsonObject("status").remove("figuresMicrosMax");
        assertEquals(before, after);
        assertFalse(new ConsoleFigures().hasBatch());
    }
}

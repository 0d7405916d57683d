package org.hospital.incidents.stream.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.junit.jupiter.api.Test;

/** What the write tasks gather for the tab, and how the driver merges the tasks' digests. */
class BatchDigestTest {

    private static Alert critical(String eventId, long occurredAt) {
        return new Alert("CRITICAL:" + eventId, Alert.Type.CRITICAL, "W1", 0, "m", eventId, null, 0, 0, false, 0, 0,
                null, occurredAt);
    }

    @Test
    void keepsTheFiftyNewestCriticalAlertsAcrossTasks() {
        BatchDigest one = new BatchDigest();
        BatchDigest two = new BatchDigest();
        for (int i = 0; i < 80; i++) {
            (i % 2 == 0 ? one : two).add("line-" + i, critical("E" + i, 1000L * i));
        }
        BatchDigest merged = new BatchDigest().merge(one).merge(two);
        List<String> lines = merged.criticalNewestFirst();
        assertEquals(BatchDigest.CRITICAL_KEPT, lines.size());
        assertEquals("line-79", lines.get(0));
        assertEquals("line-30", lines.get(49));
        assertEquals(79_000L, merged.criticalOccurredAtNewestFirst()[0]);
        assertEquals(30_000L, merged.criticalOccurredAtNewestFirst()[49]);
    }

    @Test
    void keepsAWardsRecentWindowsAndOneAMinuteOfTheHourBeforeItsNewest() {
        BatchDigest digest = new BatchDigest();
        // 60 s windows. Newest 7,100,000: recent from 7,040,000; the hour before from 3,500,000, one a minute.
        for (long start : new long[] {0, 3_480_000, 3_600_000, 3_605_000, 7_100_000, 3_540_000, 7_055_000}) {
            digest.add("w", new WardWindow("W1", start, start + 60_000, WindowCounts.of(1, new long[] {1, 0, 0, 0, 0,
                0})));
        }
        long[] triples = digest.compact().windows().get("W1");
        List<Long> starts = new java.util.ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            starts.add(triples[i]);
        }
        // 0 and 3,480,000 are more than an hour back; 3,605,000 is not on a minute and not recent.
        assertEquals(List.of(3_600_000L, 7_100_000L, 3_540_000L, 7_055_000L), starts);
    }

    @Test
    void countsRejectionsByRuleNotByValue() {
        BatchDigest digest = new BatchDigest();
        for (String reason : List.of("unknown harmLevel 'x' (expected death, severe)",
                "unknown harmLevel 'y' (expected death, severe)", "duplicate eventId (first seen 1796000000000)",
                "duplicate eventId (first seen 1796000001000)", "eventId E-1 is in ward ICU-2")) {
            digest.add("{}", new BatchDigest.Figure(BatchDigest.Figure.Kind.REJECTED, reason));
        }
        assertEquals(Map.of("unknown harmLevel … (expected death, severe)", 2L, "duplicate eventId (first seen …)", 2L,
                "eventId … is in ward …", 1L), digest.rejected());
    }
}

package org.hospital.incidents.stream.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's per-batch summary: a line for news, a heartbeat at most once a minute otherwise. */
class OutputSinksTest {

    private static BatchOutcomes.Summary summary(BatchOutcomes.Output output, long count, String failure) {
        Map<BatchOutcomes.Output, Long> counts = new EnumMap<>(BatchOutcomes.Output.class);
        for (BatchOutcomes.Output each : BatchOutcomes.Output.values()) {
            counts.put(each, 0L);
        }
        if (output != null) {
            counts.put(output, count);
        }
        return new BatchOutcomes.Summary(1_795_308_797_000L, counts, failure);
    }

    @Test
    void printsBatchesWithNewsAndAnIdleHeartbeatOnceAMinute() {
        long now = 10_000_000;
        for (BatchOutcomes.Output output : new BatchOutcomes.Output[] {BatchOutcomes.Output.INCIDENTS,
            BatchOutcomes.Output.REJECTED, BatchOutcomes.Output.REQUALIFICATIONS, BatchOutcomes.Output.CRITICAL_ALERTS,
            BatchOutcomes.Output.SURGE_ALERTS}) {
            assertTrue(OutputSinks.worthPrinting(summary(output, 1, null), now - 1, now), output.name());
        }
        assertTrue(OutputSinks.worthPrinting(summary(null, 0, "outputs: disk full"), now - 1, now));
        BatchOutcomes.Summary idle = summary(BatchOutcomes.Output.WARD_WINDOWS, 4, null);
        assertFalse(OutputSinks.worthPrinting(idle, now - 59_999, now), "idle, printed under a minute ago");
        assertTrue(OutputSinks.worthPrinting(idle, now - 60_000, now), "idle for a minute: heartbeat");
        assertTrue(OutputSinks.worthPrinting(idle, 0, now), "the first batch of a run");
        assertEquals("batch 2026-11-22T00:53:17Z: 0 accepted, 0 rejected, 0 ward totals, 4 ward windows, alerts "
                + "0 CRITICAL 0 SURGE", OutputSinks.summaryLine(idle));
        assertEquals("batch 2026-11-22T00:53:17Z: 0 accepted, 0 rejected, 2 requalified, 0 ward totals, 0 ward "
                + "windows, alerts 0 CRITICAL 0 SURGE",
                OutputSinks.summaryLine(summary(BatchOutcomes.Output.REQUALIFICATIONS, 2, null)));
    }
}

package org.hospital.incidents.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading archive entries and choosing the first of an eventId's entries. */
class ArchivedReportTest {

    private static ArchivedReport entry(long batchTime, String source) {
        return ArchivedReport.parse("{\"batchTime\":" + batchTime + ",\"source\":\"" + source + "\",\"status\":"
                + "\"accepted\",\"incident\":{\"eventId\":\"E\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"wardId\":"
                + "\"W\",\"harmLevel\":\"none\",\"category\":\"fall\"}}");
    }

    @Test
    void theFirstEntryIsByBatchTimeThenArrivalOrder() {
        List<ArchivedReport> entries = new ArrayList<>(List.of(entry(2, "import:h.csv:1"), entry(1, "kafka:t/0/10"),
                entry(1, "kafka:t/0/9"), entry(1, "import:h.csv:10"), entry(1, "import:h.csv:9")));
        entries.sort(ArchivedReport.FIRST);
        assertEquals(List.of("import:h.csv:9", "import:h.csv:10", "kafka:t/0/9", "kafka:t/0/10", "import:h.csv:1"),
                entries.stream().map(ArchivedReport::source).toList(), "offsets and rows compare as numbers");
    }

    @Test
    void rejectedEntriesAreNoIncidentAndForeignLinesAreRefused() {
        assertNull(ArchivedReport.parse("{\"batchTime\":1,\"source\":\"socket\",\"status\":\"rejected\","
                + "\"reason\":\"x\",\"line\":\"y\"}"));
        assertTrue(entry(1, "socket").toString().contains("E"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArchivedReport.parse("not json"));
        assertEquals("not a JSON object", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArchivedReport.parse("{\"status\":\"maybe\"}"));
    }
}

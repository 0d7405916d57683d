package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hospital.incidents.testing.Scripts;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/incident-bench --smoke}: the benchmark harness runs end to end on small data (its own KRaft broker,
 * the job under SparkSubmit, the Structured Streaming twin, a SIGKILL and restart) and prints its table with a
 * figure in every row. Its numbers are not checked: speed targets are for a full run on a quiet machine
 * (docs/PERFORMANCE.md), never for a test.
 */
class BenchSmokeIT {

    private static final List<String> ROWS = List.of("hand-loop limit", "incident ledger update per batch of 100 ",
            "incident ledger update per batch of 200,000 ", "DStream job, Kafka backlog",
            "highest offered rate", "DStream job, archive on",
            "Structured Streaming twin", "DStream job (ledger off) / Structured Streaming twin",
            "Structured Streaming twin with dropDuplicatesWithinWatermark",
            "DStream job (ledger on) / Structured Streaming twin with deduplication",
            "processing time per 1 s batch", "CRITICAL alert latency", "recovery after SIGKILL");

    @Test
    void smokeRunPrintsEveryRowOfTheTable() throws Exception {
        Scripts.Result result = Scripts.run(Map.of(), 900, "incident-bench", "--smoke");
        assertEquals(0, result.exitCode(), result.stderr());
        String table = result.stdout();
        assertTrue(table.contains("| measure | result | how |"), table);
        for (String row : ROWS) {
            // A row with a number in its result column: "| <measure ...> | <... digit ...> | ... |".
            Pattern filled = Pattern.compile("(?m)^\\| " + Pattern.quote(row) + "[^|]*\\| [^|]*\\d[^|]*\\|");
            assertTrue(filled.matcher(table).find(), "row '" + row + "' missing or without a figure:\n" + table);
        }
    }
}

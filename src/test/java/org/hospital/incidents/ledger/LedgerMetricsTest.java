package org.hospital.incidents.ledger;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The warning before the incident ledger outgrows the executors' storage memory ({@link LedgerMetrics#memoryWarning}),
 * at the sizes measured on a 2 GB heap (docs/PERFORMANCE.md "The ledger's size": 1,049 MB of storage memory; the new
 * version stopped being cached at about 450 MB a version).
 */
class LedgerMetricsTest {

    private static final long MB = 1L << 20;
    private static final long STORAGE_2G = 1_049 * MB;

    @Test
    void aLedgerWhoseTwoVersionsFitInThreeQuartersOfStorageMemoryRaisesNoWarning() {
        assertNull(LedgerMetrics.memoryWarning(2_000_000, 300 * MB, STORAGE_2G));
        assertNull(LedgerMetrics.memoryWarning(2_600_000, 393 * MB, STORAGE_2G));
    }

    @Test
    void theMeasuredCliffIsWarnedAboutNamingWhatToChange() {
        String warning = LedgerMetrics.memoryWarning(4_500_000, 450 * MB, STORAGE_2G);
        assertNotNull(warning);
        assertTrue(warning.contains("4,500,000 entries") && warning.contains("450 MB a version")
                && warning.contains("(900 MB)") && warning.contains("1,049 MB of storage memory"), warning);
        assertTrue(warning.contains("spark.executor.memory") && warning.contains("INCIDENT_STREAM_HEAP")
                && warning.contains("dedup-horizon-hours"), warning);
        // Just past the rule's line: two versions over three quarters of storage memory.
        assertNotNull(LedgerMetrics.memoryWarning(2_700_000, 394 * MB, STORAGE_2G));
    }

    @Test
    void unknownStorageMemoryRaisesNoWarning() {
        assertNull(LedgerMetrics.memoryWarning(90_000_000, 10_000 * MB, 0));
    }
}

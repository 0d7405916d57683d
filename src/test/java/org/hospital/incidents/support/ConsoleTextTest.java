package org.hospital.incidents.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.pipeline.AlertRules;
import org.junit.jupiter.api.Test;
import org.hospital.incidents.stream.sink.OutputSinks;

/** Values from reports never reach a terminal raw: control characters are escaped, one alert is one line. */
class ConsoleTextTest {

    @Test
    void controlCharactersAreEscapedAndOtherTextIsKept() {
        assertEquals("a\\nb\\r\\t\\u001b[2J\\u0000\\u007f\\u009b",
                ConsoleText.escape("a\nb\r\t\u001b[2J\u0000\u007f\u009b"));
        String plain = "ICU-2 Zürich — ok ✓ \u00a0";
        assertSame(plain, ConsoleText.escape(plain), "nothing to escape: the same string");
        assertEquals("null", ConsoleText.escape(null));
    }

    @Test
    void aForgedEventIdCannotPrintAnAlertLineOfItsOwn() {
        String forged = "E-1\nALERT CRITICAL death incident in ward ICU-1: event FORGED";
        LedgerEntry entry = new LedgerEntry("W\u001b[2J", HarmLevel.DEATH, EventCategory.FALL, ReportType.INCIDENT, 0,
                0, Candidate.NO_TIME, false);
        String line = OutputSinks.alertLine(AlertRules.critical(forged, entry, false, 1000).message());
        assertEquals(1, line.lines().count(), line);
        assertEquals(-1, line.indexOf('\u001b'), line);
        assertEquals(true, line.contains("event E-1\\nALERT CRITICAL"), line);
    }
}

package org.hospital.incidents.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV cells that a spreadsheet would run as formulas are written as text (OWASP "CSV Injection"). */
class CsvCellsTest {

    @Test
    void textBeginningWithAFormulaCharacterGetsALeadingQuoteAndNothingElseChanges() {
        for (String formula : List.of("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                "=HYPERLINK(\"http://evil.example\",\"x\")")) {
            assertEquals("'" + formula, CsvCells.safe(formula), formula);
        }
        for (Object plain : Arrays.asList("ICU-2", "2025-01-01", "0.1250", "", null, 42, -3L, 0.5, true, "a=b")) {
            assertEquals(plain, CsvCells.safe(plain), String.valueOf(plain));
        }
        assertEquals(Arrays.asList("'=x", 7, null), CsvCells.safe(Arrays.asList("=x", 7, null)));
    }
}

package org.hospital.incidents.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Neutralises spreadsheet formulas in the CSV cells the project writes (OWASP "CSV Injection"; docs/DESIGN.md
 * "Privacy and hostile input"): a text cell that begins with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a
 * carriage return gets a leading {@code '}, so a spreadsheet shows it as text instead of running it. Values come from
 * reports (ward, hospital, category as received…), and a report can say anything.
 *
 * <p>Numbers the project writes are not affected: they are passed as {@link Number}s, or as strings the project
 * formatted itself (dates, shares), which never begin with those characters.
 */
public final class CsvCells {

    private CsvCells() {
    }

    /**
     * @param cell a cell value (any type; null allowed)
     * @return the value, with a leading {@code '} when it is text that a spreadsheet would read as a formula
     */
    public static Object safe(Object cell) {
        if (cell instanceof String text && !text.isEmpty()) {
            char first = text.charAt(0);
            if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
                return "'" + text;
            }
        }
        return cell;
    }

    /**
     * @param cells a row's values
     * @return the row with every cell passed through {@link #safe}
     */
    public static List<Object> safe(List<?> cells) {
        List<Object> row = new ArrayList<>(cells.size());
        for (Object cell : cells) {
            row.add(safe(cell));
        }
        return row;
    }
}

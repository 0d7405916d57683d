package org.hospital.incidents.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Masking of rejected lines by parsing, with the lenient scan for lines that do not parse (docs/DESIGN.md "Privacy
 * and hostile input"): every form a sender may use to carry a patient identifier or a description.
 */
class RejectedLineMaskTest {

    /** A stand-in for the keyed token, so a test can see which value was tokenised. */
    private static final UnaryOperator<String> TOKEN = value -> "T(" + value.length() + ")";

    private static final String SECRET = "9434765919";
    private static final String TEXT = "fell from bed";

    private static String mask(String line) {
        return RejectedLineMask.mask(line, TOKEN);
    }

    /** Lines that hold the identifier or the description in some form; none may keep either in clear. */
    @ParameterizedTest
    @ValueSource(strings = {
        // JSON that parses: any value type, at any depth, escaped names, duplicates.
        "{\"eventId\":\"E\",\"patientRef\":{\"v\":\"9434765919\"}}",
        "{\"eventId\":\"E\",\"patientRef\":[\"9434765919\"]}",
        "{\"eventId\":\"E\",\"patient\\u0052ef\":\"9434765919\"}",
        "{\"eventId\":\"E\",\"\\u0070atientRef\":\"9434765919\",\"descr\\u0069ption\":\"fell from bed\"}",
        "{\"eventId\":\"E\",\"patientRef\":9434765919}",
        "{\"eventId\":\"E\",\"patientRef\":\"9434765919\",\"patientRef\":\"9434765919\"}",
        "{\"eventId\":\"E\",\"nested\":{\"deeper\":[{\"patientRef\":\"9434765919\","
            + "\"description\":\"fell from bed\"}]}}",
        "[{\"patientRef\":\"9434765919\"}]",
        "{\"eventId\":\"E\",\"description\":{\"text\":\"fell from bed\"}}",
        "{\"eventId\":\"E\",\"description\":[\"fell from bed\"]}",
        // Lenient JSON: single quotes, unquoted names.
        "{'eventId':'E','patientRef':'9434765919','description':'fell from bed'}",
        "{eventId:\"E\",patientRef:\"9434765919\",description:\"fell from bed\"}",
        // Lines that do not parse: cut off, trailing content, a value after the line's end.
        "{\"eventId\":\"E\",\"patientRef\":\"9434765919\",\"description\":\"fell from bed",
        "{\"eventId\":\"E\",\"patientRef\":\"943476591",
        "{\"eventId\":\"E\",\"patientRef\":{\"v\":\"9434765919\"",
        "{\"eventId\":\"E\",\"patient\\u0052ef\":[\"9434765919\"], oops",
        "{\"eventId\":\"E\",\"patientRef\":\"9434765919\"} trailing {\"description\":\"fell from bed\"}",
        "{\"eventId\":\"E\" \"patientRef\": 9434765919 \"description\" : \"fell from bed\"",
    })
    void noFormKeepsTheIdentifierOrTheDescriptionInClear(String line) {
        String masked = mask(line);
        assertFalse(masked.contains("943476591"), masked);
        assertFalse(masked.contains(TEXT), masked);
        assertFalse(masked.contains("fell from"), masked);
    }

    @Test
    void aStringOrNumberIdentifierBecomesItsTokenAnythingElseRedacted() {
        assertEquals("{\"eventId\":\"E\",\"patientRef\":\"T(10)\",\"description\":\"<redacted>\",\"n\":1.50}",
                mask("{\"eventId\": \"E\", \"patientRef\": \"9434765919\", \"description\": \"x\", \"n\": 1.50}"));
        assertEquals("{\"patientRef\":\"T(10)\"}", mask("{\"patientRef\":9434765919}"));
        assertEquals("{\"patientRef\":\"<redacted>\"}", mask("{\"patientRef\":{\"v\":\"9434765919\"}}"));
        assertEquals("{\"patientRef\":\"T(10)\"}", mask("{\"patient\\u0052ef\":\"9434765919\"}"),
                "the decoded name is what counts; the copy writes it decoded");
    }

    @Test
    void theTokenIsOfTheDecodedValue() {
        List<String> seen = new java.util.ArrayList<>();
        RejectedLineMask.mask("{\"patientRef\":\"94347\\u00365919\"}", value -> {
            seen.add(value);
            return "t";
        });
        assertEquals(List.of("9434765919"), seen);
    }

    @Test
    void aLineThatDoesNotParseKeepsItsOtherTextAsReceived() {
        String line = "{\"eventId\": \"E-1\", \"wardId\": \"ICU-2\", \"patientRef\": \"9434765919\", oops";
        assertEquals("{\"eventId\": \"E-1\", \"wardId\": \"ICU-2\", \"patientRef\": \"T(10)\", oops", mask(line));
        assertEquals("{\"patientRef\": \"<redacted>\" oops", mask("{\"patientRef\": [\"9434765919\", 2] oops"));
    }

    @Test
    void linesWithoutPatientDataAndDeepOrLongLinesStayIntact() {
        assertEquals("not json at all", mask("not json at all"));
        assertEquals(null, mask(null));
        String deep = "[".repeat(5000) + "{\"patientRef\":\"9434765919\"}" + "]".repeat(5000);
        assertFalse(mask(deep).contains(SECRET), "deeper than the reader allows: the scan masks it");
        String longLine = "{\"description\":\"" + "x".repeat(2_000_000) + "\",\"patientRef\":\"" + SECRET + "\"}";
        String masked = mask(longLine);
        assertFalse(masked.contains(SECRET));
        assertTrue(masked.length() < 100, "the description is gone: " + masked.length());
    }
}

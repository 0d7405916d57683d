package org.hospital.incidents.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.testing.TestKeys;

/**
 * Over 30 kinds of bad lines, each between good lines, through the whole graph: every bad line ends in
 * {@code rejected} with its specific reason, the stream keeps running, and the good lines are counted exactly.
 */
class BadInputGraphTest {

    private static final String OK = "\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"W\",\"harmLevel\":\"mild\"";

    /** Bad line -> the start of the reason it must be rejected with. */
    static Map<String, String> badLines() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"eventId\":\"T1\",\"occurredAt\":\"2026-11", "malformed JSON");
        bad.put("{\"eventId\":\"T2\"," + OK, "malformed JSON");
        bad.put("[{\"eventId\":\"A1\"," + OK + "}]", "not a JSON object (found an array)");
        bad.put("\"a string\"", "not a JSON object (found a string)");
        bad.put("12345", "not a JSON object (found a number)");
        bad.put("null", "not a JSON object (found null)");
        bad.put("true", "not a JSON object (found a boolean)");
        bad.put("plain text, not JSON", "malformed JSON");
        bad.put("{\"eventId\":null," + OK + "}", "missing required field 'eventId'");
        bad.put("{" + OK + "}", "missing required field 'eventId'");
        bad.put("{\"eventId\":\"N1\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"harmLevel\":\"mild\"}",
                "missing required field 'wardId'");
        bad.put("{\"eventId\":\"N2\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":null,\"harmLevel\":\"mild\"}",
                "missing required field 'wardId'");
        bad.put("{\"eventId\":\"N3\",\"wardId\":\"W\",\"harmLevel\":\"mild\"}", "missing required field 'occurredAt'");
        bad.put("{\"eventId\":\"N4\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"W\"}",
                "missing required field 'harmLevel'");
        bad.put("{\"eventId\":42," + OK + "}", "field 'eventId' must be a string, found a number");
        bad.put("{\"eventId\":true," + OK + "}", "field 'eventId' must be a string, found a boolean");
        bad.put("{\"eventId\":{\"id\":1}," + OK + "}", "field 'eventId' must be a string, found an object");
        bad.put("{\"eventId\":\"W1\",\"occurredAt\":1763712000000,\"wardId\":\"W\",\"harmLevel\":\"mild\"}",
                "field 'occurredAt' must be a string, found a number");
        bad.put("{\"eventId\":\"W2\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":7,\"harmLevel\":\"mild\"}",
                "field 'wardId' must be a string, found a number");
        bad.put("{\"eventId\":\"W3\"," + OK + ",\"category\":[\"fall\"]}", "field 'category' must be a string");
        bad.put("{\"eventId\":\"W4\"," + OK + ",\"patientRef\":12}", "field 'patientRef' must be a string");
        bad.put("{\"eventId\":\"   \"," + OK + "}", "field 'eventId' is empty or blank");
        bad.put("{\"eventId\":\"B1\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"\\t \",\"harmLevel\":"
                + "\"mild\"}", "field 'wardId' is empty or blank");
        bad.put("{\"eventId\":\"H1\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"W\",\"harmLevel\":"
                + "\"catastrophic\"}", "unknown harmLevel 'catastrophic'");
        bad.put("{\"eventId\":\"H2\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"W\",\"harmLevel\":\"Death\"}",
                "unknown harmLevel 'Death'");
        bad.put("{\"eventId\":\"D1\",\"occurredAt\":\"last tuesday\",\"wardId\":\"W\",\"harmLevel\":\"mild\"}",
                "unparseable occurredAt");
        bad.put("{\"eventId\":\"D2\",\"occurredAt\":\"2026-13-45T25:61:00Z\",\"wardId\":\"W\",\"harmLevel\":\"mild\"}",
                "unparseable occurredAt");
        bad.put("{\"eventId\":\"D3\",\"occurredAt\":\"1900-01-01T00:00:00Z\",\"wardId\":\"W\",\"harmLevel\":\"mild\"}",
                "occurredAt 1900-01-01T00:00:00Z is out of range");
        bad.put("{\"eventId\":\"D4\",\"occurredAt\":\"+10000-01-01T00:00:00Z\",\"wardId\":\"W\",\"harmLevel\":"
                + "\"mild\"}", "occurredAt +10000-01-01T00:00:00Z is out of range");
        bad.put("{\"eventId\":\"K1\",\"eventId\":\"K2\"," + OK + "}", "duplicate key 'eventId'");
        bad.put("\uFEFF{\"eventId\":\"BOM1\"," + OK + "}", "line starts with a byte-order mark");
        bad.put("{\"eventId\":\"C1\"," + OK + ",\"description\":\"tab\u0007bell\"}", "malformed JSON");
        bad.put("{\"eventId\":\"X1\"," + OK + ",\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                "malformed JSON");
        bad.put("{\"eventId\":\"TR1\"," + OK + "} trailing", "trailing content after the JSON object");
        bad.put("{\"eventId\":\"TR2\"," + OK + "}{\"eventId\":\"TR3\"," + OK + "}",
                "trailing content after the JSON object");
        bad.put("{'eventId':'Q1','occurredAt':'2026-11-21T08:00:00Z','wardId':'W','harmLevel':'mild'}",
                "malformed JSON");
        bad.put("{\"eventId\":\"Z1\"," + OK + ",}", "malformed JSON");
        bad.put("{\"eventId\":\"L1\",\"description\":\"" + "x".repeat(10 * 1024 * 1024) + "\"", "malformed JSON");
        return bad;
    }

    /**
     * Lines whose bytes are not valid UTF-8 (RFC 3629), each with the reason it must get. The key is the line as
     * the rejected output shows it (invalid sequences as U+FFFD).
     */
    static Map<String, byte[]> invalidUtf8Lines() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        byte[][] insides = {
            {(byte) 0xC3, 0x28}, // a 2-byte lead followed by ASCII
            {(byte) 0x80}, // a lone continuation byte
            {(byte) 0xC0, (byte) 0xAF}, // an overlong form of '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded UTF-16 surrogate
            {(byte) 0xFF}, // a byte that never occurs in UTF-8
            {(byte) 0xE2, (byte) 0x82}, // a 3-byte sequence cut short
        };
        int n = 0;
        for (byte[] inside : insides) {
            byte[] head = ("{\"eventId\":\"U" + n++ + "\"," + OK + ",\"description\":\"caf").getBytes(UTF_8);
            byte[] tail = "\"}".getBytes(UTF_8);
            byte[] line = new byte[head.length + inside.length + tail.length];
            System.arraycopy(head, 0, line, 0, head.length);
            System.arraycopy(inside, 0, line, head.length, inside.length);
            System.arraycopy(tail, 0, line, head.length + inside.length, tail.length);
            bad.put(new String(line, UTF_8), line);
        }
        return bad;
    }

    @Test
    void rejectsEachKindWithItsReasonAndCountsTheGoodLinesExactly() throws Exception {
        Map<String, String> bad = badLines();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        bad.keySet().forEach(line -> bytes.put(line, line.getBytes(UTF_8)));
        invalidUtf8Lines().forEach((shown, raw) -> {
            bytes.put(shown, raw);
            bad.put(shown, "invalid UTF-8: byte");
        });
        assertTrue(bad.size() >= 30, "at least 30 kinds");
        List<byte[]> batch1 = new ArrayList<>();
        List<byte[]> batch2 = new ArrayList<>();
        int good = 0;
        int i = 0;
        for (byte[] line : bytes.values()) {
            List<byte[]> batch = i++ % 2 == 0 ? batch1 : batch2;
            batch.add(incident("G" + good++, "W", "mild", "fall").getBytes(UTF_8));
            batch.add(line);
        }
        batch2.add(incident("G" + good++, "W", "none", null).getBytes(UTF_8));
        // A genuine U+FFFD (valid bytes EF BF BD) is text like any other: counted, not rejected.
        batch2.add(incident("G" + good++, "W", "mild", "fall").replace("sensitive text", "caf\uFFFD")
                .getBytes(UTF_8));
        try (GraphHarness harness = new GraphHarness(List.of(batch1, batch2),
                GraphHarness.settings(1, 2, 1, 1000, 2, 2))) {
            harness.runBatches(2);
            List<Rejection> rejected = new ArrayList<>(harness.<Rejection>output("rejected", 1000));
            rejected.addAll(harness.output("rejected", 2000));
            assertEquals(bad.size(), rejected.size(), "every bad line rejected, no good line");
            Map<String, String> reasonByLine = new LinkedHashMap<>();
            for (Rejection r : rejected) {
                reasonByLine.put(r.line(), r.reason());
            }
            // Rejected lines are kept with patient data masked (IncidentParserTest covers the masking itself).
            IncidentParser masker = new IncidentParser(TestKeys.pseudonymizer());
            for (Map.Entry<String, String> entry : bad.entrySet()) {
                String line = masker.maskForRejected(entry.getKey());
                String kept = line.length() > Rejection.MAX_LINE_CHARS ? line.substring(0, Rejection.MAX_LINE_CHARS)
                        : line;
                String reason = reasonByLine.get(kept);
                assertTrue(reason != null && reason.startsWith(entry.getValue()),
                        "line " + kept.substring(0, Math.min(60, kept.length())) + " -> " + reason);
            }
            assertTrue(rejected.stream().noneMatch(r -> r.line().contains("P-SECRET")
                    || r.line().contains("sensitive text")), "no patientRef or description in rejected lines");
            WardTotal total = harness.<WardTotal>output("ward-totals", 2000).get(0);
            assertEquals(good, total.state().total(), "good lines around the bad ones counted exactly");
        }
    }
}

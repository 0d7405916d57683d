package org.hospital.incidents.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.SourcedLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.hospital.incidents.testing.TestKeys;

class IncidentParserTest {

    private static final String GOOD = "{\"eventId\":\"E-1\",\"occurredAt\":\"2026-11-21T08:15:30.123Z\","
            + "\"wardId\":\"ICU-2\",\"harmLevel\":\"severe\",\"category\":\"medication\",\"reportType\":\"near_miss\","
            + "\"hospitalId\":\"H1\",\"patientRef\":\"P-99\",\"description\":\"wrong dose\"}";

    private final IncidentParser parser = new IncidentParser(TestKeys.pseudonymizer());

    private ParseResult parse(String line) {
        return parser.parse(new SourcedLine(line, "socket"), 5000L);
    }

    private String reasonFor(String line) {
        ParseResult result = parse(line);
        assertFalse(result.isAccepted(), "expected a rejection for " + line);
        return result.rejection().reason();
    }

    @Test
    void acceptsCompleteRecordWithEveryField() {
        ParseResult result = parse(GOOD);
        assertTrue(result.isAccepted());
        Incident incident = result.incident();
        assertEquals("E-1", incident.eventId());
        assertEquals(Instant.parse("2026-11-21T08:15:30.123Z"), incident.occurredAt());
        assertEquals("ICU-2", incident.wardId());
        assertEquals(HarmLevel.SEVERE, incident.harmLevel());
        assertEquals(EventCategory.MEDICATION, incident.category());
        assertEquals(ReportType.NEAR_MISS, incident.reportType());
        assertEquals("H1", incident.hospitalId());
        assertEquals(new Pseudonymizer(TestKeys.file().toString()).token("P-99"), incident.patientToken());
        assertEquals(32, incident.patientToken().length());
        assertEquals("wrong dose", incident.description());
    }

    @Test
    void acceptsMinimalRecordWithDefaults() {
        Incident incident = parse("{\"eventId\":\"E-2\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W1\","
                + "\"harmLevel\":\"none\"}").incident();
        assertEquals(EventCategory.UNCLASSIFIED, incident.category());
        assertEquals(ReportType.INCIDENT, incident.reportType());
        assertNull(incident.hospitalId());
        assertNull(incident.patientToken());
    }

    @ParameterizedTest
    @CsvSource({"fall,FALL", "'',UNCLASSIFIED", "Fall,UNCLASSIFIED", "slips,UNCLASSIFIED",
        "healthcare_associated_infection,HEALTHCARE_ASSOCIATED_INFECTION", "other,OTHER",
        "unclassified,UNCLASSIFIED"})
    void mapsCategoryAndFallsBackToUnclassified(String category, EventCategory expected) {
        String line = "{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W\","
                + "\"harmLevel\":\"mild\",\"category\":\"" + category + "\"}";
        assertEquals(expected, parse(line).incident().category());
    }

    @Test
    void nullCategoryIsUnclassified() {
        assertEquals(EventCategory.UNCLASSIFIED, parse("{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\","
                + "\"wardId\":\"W\",\"harmLevel\":\"mild\",\"category\":null}").incident().category());
    }

    @Test
    void acceptsOffsetTimestampAsInstant() {
        Incident incident = parse("{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T09:15:30+01:00\","
                + "\"wardId\":\"W\",\"harmLevel\":\"mild\"}").incident();
        assertEquals(Instant.parse("2026-11-21T08:15:30Z"), incident.occurredAt());
    }

    @Test
    void ignoresUnknownExtraFields() {
        assertTrue(parse("{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W\","
                + "\"harmLevel\":\"mild\",\"extra\":{\"a\":[1,2,{\"b\":null}]}}").isAccepted());
    }

    @Test
    void unknownReportTypeCountsAsIncident() {
        assertEquals(ReportType.INCIDENT, parse("{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\","
                + "\"wardId\":\"W\",\"harmLevel\":\"mild\",\"reportType\":\"complaint\"}").incident().reportType());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1,2,3]|not a JSON object (found an array)",
        "\"just a string\"|not a JSON object (found a string)",
        "42|not a JSON object (found a number)",
        "null|not a JSON object (found null)",
        "true|not a JSON object (found a boolean)",
    })
    void rejectsNonObjects(String line, String reason) {
        assertEquals(reason, reasonFor(line));
    }

    @Test
    void rejectsTruncatedJson() {
        assertTrue(reasonFor("{\"eventId\":\"E-1\",\"occurredAt\":\"2026-11").startsWith("malformed JSON"));
    }

    @Test
    void rejectsLenientJsonSyntax() {
        assertTrue(reasonFor("{eventId:'E'}").startsWith("malformed JSON"));
        assertTrue(reasonFor("{\"eventId\":\"E\" /* c */}").startsWith("malformed JSON"));
    }

    @Test
    void rejectsTrailingContent() {
        assertEquals("trailing content after the JSON object", reasonFor(GOOD + " {\"x\":1}"));
    }

    @ParameterizedTest
    @CsvSource({"eventId", "occurredAt", "wardId", "harmLevel"})
    void rejectsMissingRequiredField(String field) {
        String line = GOOD.replace("\"" + field + "\"", "\"x" + field + "\"");
        assertEquals("missing required field '" + field + "'", reasonFor(line));
    }

    @Test
    void rejectsNullRequiredField() {
        assertEquals("missing required field 'wardId'", reasonFor(GOOD.replace("\"ICU-2\"", "null")));
    }

    @Test
    void rejectsBlankIds() {
        assertEquals("field 'eventId' is empty or blank", reasonFor(GOOD.replace("\"E-1\"", "\"   \"")));
        assertEquals("field 'wardId' is empty or blank", reasonFor(GOOD.replace("\"ICU-2\"", "\"\"")));
    }

    @Test
    void rejectsWrongTypes() {
        assertEquals("field 'eventId' must be a string, found a number", reasonFor(GOOD.replace("\"E-1\"", "17")));
        assertEquals("field 'harmLevel' must be a string, found an array",
                reasonFor(GOOD.replace("\"severe\"", "[\"severe\"]")));
        assertEquals("field 'category' must be a string, found a boolean",
                reasonFor(GOOD.replace("\"medication\"", "true")));
        assertEquals("field 'occurredAt' must be a string, found a number",
                reasonFor(GOOD.replace("\"2026-11-21T08:15:30.123Z\"", "1763712930123")));
    }

    @Test
    void rejectsUnknownHarmLevelIncludingWrongCase() {
        assertEquals("unknown harmLevel 'catastrophic' (expected death, severe, moderate, mild, none or unknown)",
                reasonFor(GOOD.replace("\"severe\"", "\"catastrophic\"")));
        assertTrue(reasonFor(GOOD.replace("\"severe\"", "\"SEVERE\"")).startsWith("unknown harmLevel 'SEVERE'"));
    }

    @Test
    void readsTheStatusAndChecksARequalificationRecord() {
        String requalified = GOOD.replace("}", ",\"status\":\"requalified\",\"reviewedBy\":\"dr.lee\","
                + "\"reviewedAt\":\"2026-11-21T09:00:00Z\"}");
        Incident decision = parse(requalified).incident();
        assertTrue(decision.isRequalification());
        assertEquals("dr.lee", decision.reviewedBy());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), decision.reviewedAt());
        assertEquals("medication", decision.reportedCategory());
        assertFalse(parse(GOOD.replace("}", ",\"status\":\"reported\"}")).incident().isRequalification());
        assertFalse(parse(GOOD.replace("}", ",\"reviewedBy\":\"x\"}")).incident().isRequalification(),
                "reviewedBy alone does not make a re-qualification");
        assertEquals("unknown status 'closed' (expected reported or requalified)",
                reasonFor(GOOD.replace("}", ",\"status\":\"closed\"}")));
        assertEquals("requalified report needs one of the ten categories, got 'Medication'",
                reasonFor(requalified.replace("\"medication\"", "\"Medication\"")));
        assertEquals("requalified report needs one of the ten categories, got none",
                reasonFor(requalified.replace(",\"category\":\"medication\"", "")));
        assertEquals("requalified report needs a non-empty 'reviewedBy'",
                reasonFor(requalified.replace("\"dr.lee\"", "\" \"")));
        assertEquals("requalified report needs 'reviewedAt'",
                reasonFor(requalified.replace(",\"reviewedAt\":\"2026-11-21T09:00:00Z\"", "")));
        assertTrue(reasonFor(requalified.replace("2026-11-21T09:00:00Z", "yesterday"))
                .startsWith("unparseable reviewedAt 'yesterday'"));
        assertEquals("field 'status' must be a string, found a number",
                reasonFor(GOOD.replace("}", ",\"status\":1}")));
    }

    @Test
    void rejectsUnparseableAndOutOfRangeTimestamps() {
        assertTrue(reasonFor(GOOD.replace("2026-11-21T08:15:30.123Z", "yesterday"))
                .startsWith("unparseable occurredAt 'yesterday'"));
        assertTrue(reasonFor(GOOD.replace("2026-11-21T08:15:30.123Z", "2026-11-21 08:15"))
                .startsWith("unparseable occurredAt"));
        assertTrue(reasonFor(GOOD.replace("2026-11-21T08:15:30.123Z", "1970-01-01T00:00:00Z"))
                .startsWith("occurredAt 1970-01-01T00:00:00Z is out of range"));
        assertTrue(reasonFor(GOOD.replace("2026-11-21T08:15:30.123Z", "+99999-01-01T00:00:00Z"))
                .startsWith("occurredAt +99999-01-01T00:00:00Z is out of range"));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertEquals("duplicate key 'wardId'", reasonFor(GOOD.replace("}", ",\"wardId\":\"ED-1\"}")));
    }

    @Test
    void rejectsByteOrderMarkAndInvalidUtf8() {
        assertTrue(reasonFor("\uFEFF" + GOOD).startsWith("line starts with a byte-order mark"));
        ParseResult invalid = parser.parse(new SourcedLine(GOOD, "socket", "invalid UTF-8: byte 0xFF at byte offset 3"),
                5000L);
        assertEquals("invalid UTF-8: byte 0xFF at byte offset 3", invalid.rejection().reason());
    }

    @Test
    void acceptsAGenuineReplacementCharacter() {
        // U+FFFD sent as its valid UTF-8 bytes EF BF BD is text like any other; only invalid bytes are refused.
        assertTrue(parse(GOOD.replace("wrong dose", "wrong \uFFFD dose")).isAccepted());
    }

    @Test
    void rejectsRawControlCharacterInString() {
        assertTrue(reasonFor(GOOD.replace("wrong dose", "wrong\u0001dose")).startsWith("malformed JSON"));
    }

    @Test
    void rejectsDeepNestingWithoutStackOverflow() {
        String deep = "{\"eventId\":\"E\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertTrue(reasonFor(deep).startsWith("malformed JSON"));
    }

    @Test
    void keepsRejectedLineCutToTenThousandCharacters() {
        String huge = "{\"eventId\":\"" + "x".repeat(10 * 1024 * 1024);
        Rejection rejection = parse(huge).rejection();
        assertEquals(Rejection.MAX_LINE_CHARS, rejection.line().length());
        assertEquals("socket", rejection.source());
        assertEquals(5000L, rejection.batchTime());
    }

    @Test
    void toStringNeverShowsPatientData() {
        String text = parse(GOOD).incident().toString();
        assertFalse(text.contains("P-99"));
        assertFalse(text.contains("wrong dose"));
    }

    /**
     * The hand-written fast path for timestamps must agree with {@code java.time} wherever it answers: on edge
     * cases listed here and on 200,000 random mutations of valid timestamps (digits, separators, lengths).
     */
    @Test
    void fastTimestampPathAgreesWithJavaTime() {
        String[] edges = {"2026-11-21T08:15:30Z", "2026-11-21T08:15:30.1Z", "2026-11-21T08:15:30.123456789Z",
            "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-31T23:59:60Z",
            "2026-11-21T24:00:00Z", "2026-11-21t08:15:30z", "2026-11-21T08:15:30.Z", "2026-11-21T08:15:30.1234567890Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "+2026-11-21T08:15:30Z",
            "2026-11-21T08:15Z", "2026-11-21 08:15:30Z", "2026-11-21T08:15:30+01:00", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", "2026-11-21T08:15:3xZ", "２026-11-21T08:15:30Z"};
        java.util.Random random = new java.util.Random(42);
        java.util.List<String> cases = new java.util.ArrayList<>(java.util.List.of(edges));
        String alphabet = "0123456789-T:.Z+ z";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(edges[random.nextInt(edges.length)]);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && text.length() > 0; e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.deleteCharAt(at);
                    default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            cases.add(text.toString());
        }
        int fast = 0;
        for (String text : cases) {
            Instant quick = IncidentParser.fastInstant(text);
            if (quick == null) {
                continue;
            }
            fast++;
            assertEquals(Instant.parse(text), quick, text);
        }
        assertTrue(fast > 2_000, "the fast path answered " + fast + " times");
        assertNull(IncidentParser.fastInstant("2026-12-31T23:59:60Z"), "leap second left to java.time");
        assertNull(IncidentParser.fastInstant("2023-02-29T00:00:00Z"), "invalid date left to java.time");
    }

    /** RFC 4231 test case 1: HMAC-SHA256(0x0b x 20, "Hi There") = b0344c61d8db38535ca8afceaf0bf12b881dc200…. */
    @Test
    void patientTokenIsTheFirst32HexOfHmacSha256WithTheFileKey() {
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b", TestKeys.pseudonymizer().token("Hi There"));
        Incident incident = parse("{\"eventId\":\"E-9\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W1\","
                + "\"harmLevel\":\"none\",\"patientRef\":\"Hi There\"}").incident();
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b", incident.patientToken());
        assertFalse(incident.toString().contains("b0344c61"), "no token in log lines either");
    }

    /**
     * Lines rejected for ordinary mistakes keep no patient data: the patientRef value (string, number, or cut off
     * at the end of the line) becomes its token, the description becomes "<redacted>" (the full set of forms:
     * {@link RejectedLineMaskTest}).
     */
    @Test
    void rejectedLinesKeepNoPatientData() {
        String token = "b0344c61d8db38535ca8afceaf0bf12b";
        String head = "{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W\",";
        assertEquals(head + "\"harmLevel\":\"Severe\",\"patientRef\":\"" + token + "\",\"description\":\"<redacted>\"}",
                parse(head + "\"harmLevel\":\"Severe\",\"patientRef\":\"Hi There\","
                        + "\"description\":\"fell \\\"hard\\\" in bay 4\"}").rejection().line());
        String number = "{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21 08:15\",\"wardId\":\"W\","
                + "\"harmLevel\":\"mild\",";
        assertEquals(number + "\"patientRef\":\"" + TestKeys.pseudonymizer().token("123456") + "\"}",
                parse(number + "\"patientRef\" : 123456}").rejection().line(), "a line that parses is copied compact");
        assertEquals("{\"eventId\":\"E\",\"patientRef\":\"" + token + "\",\"description\":\"<redacted>\"",
                parse("{\"eventId\":\"E\",\"patientRef\":\"Hi There\",\"description\":\"cut off mid").rejection()
                        .line());
        assertEquals("{\"patientRef\":\"" + token + "\",\"description\":\"<redacted>\"}",
                parse("{'patientRef':'Hi There','description':'x'}").rejection().line(), "single quotes too");
    }

    /** The archive's rendering of an accepted report (DESIGN.md "Archive"). */
    @Test
    void rendersAcceptedReportForTheArchiveWithEveryInputField() throws Exception {
        String head = "{\"eventId\":\"E\",\"occurredAt\":\"2026-11-21T08:15:30Z\",\"wardId\":\"W\","
                + "\"harmLevel\":\"none\"";
        java.io.StringWriter out = new java.io.StringWriter();
        String line = head + ",\"category\":\"Medication\",\"patientRef\":\"Hi There\","
                + "\"x\":[1,2.50,{\"a\":null,\"a\":true}],\"description\":\"d\\u00e9\"}";
        ParseResult result = parser.parse(new SourcedLine(line, "socket"), 1000L,
                new com.google.gson.stream.JsonWriter(out));
        assertTrue(result.isAccepted());
        assertEquals(head + ",\"category\":\"unclassified\",\"reportedCategory\":\"Medication\","
                + "\"patientToken\":\"b0344c61d8db38535ca8afceaf0bf12b\",\"x\":[1,2.50,{\"a\":null,\"a\":true}],"
                + "\"description\":\"d\u00e9\"}", out.toString());

        java.io.StringWriter minimal = new java.io.StringWriter();
        parser.parse(new SourcedLine(head + "}", "socket"), 1000L, new com.google.gson.stream.JsonWriter(minimal));
        assertEquals(head + ",\"category\":\"unclassified\",\"reportedCategory\":null}", minimal.toString());
    }
}

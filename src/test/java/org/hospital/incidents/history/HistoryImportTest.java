package org.hospital.incidents.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.hospital.incidents.history.ImportMapping.MappingException;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer's CSV reading, mapping and row rules (DESIGN.md "History"), on in-memory files. */
class HistoryImportTest {

    static final String NRLS = """
            {"columns": {"eventId": "Ref", "occurredAt": "Incident date", "wardId": "Location",
                         "harmLevel": "Degree of harm", "category": "Incident category", "description": "Description",
                         "patientRef": "Patient ID"},
             "occurredAtFormat": "dd/MM/yyyy HH:mm", "timeZone": "Europe/London",
             "values": {"harmLevel": {"No harm": "none", "Low harm": "mild", "Moderate harm": "moderate",
                                      "Severe harm": "severe", "Death": "death"},
                        "category": {"Medication": "medication", "Patient accident": "fall"},
                        "wardId": {"Intensive Care Unit 1": "ICU-1"}},
             "defaults": {"hospitalId": "RH-01", "reportType": "incident"}}
            """;

    static final String HEADER = "Ref,Incident date,Location,Degree of harm,Incident category,Description,Patient ID";

    @TempDir
    Path temp;

    /** Keeps what a sink is given. */
    static final class Captured implements HistoryImport.Sink {
        final List<String> keys = new ArrayList<>();
        final List<String> records = new ArrayList<>();
        final ByteArrayOutputStream report = new ByteArrayOutputStream();
        boolean committed;

        @Override
        public JsonWriter begin(String source) {
            return null;
        }

        @Override
        public void accepted(String wardId, String recordLine) {
            keys.add(wardId);
            records.add(recordLine);
        }

        @Override
        public void commit() {
            committed = true;
        }

        @Override
        public OutputStream rejectedReport() {
            return report;
        }

        @Override
        public String rejectedReportName() {
            return "memory";
        }

        @Override
        public void close() {
        }

        JsonObject record(int i) {
            return JsonParser.parseString(records.get(i)).getAsJsonObject();
        }
    }

    static ImportMapping nrls() throws MappingException {
        return ImportMapping.parse("nrls", new StringReader(NRLS));
    }

    private static HistoryImport importer(ImportMapping mapping, Character delimiter, Charset encoding) {
        return new HistoryImport(mapping, new IncidentParser(TestKeys.pseudonymizer()), delimiter, encoding,
                1_700_000_000_000L);
    }

    private static HistoryImport.Result run(HistoryImport history, byte[] bytes, Captured sink) throws Exception {
        try (HistoryImport.RejectedReport rejects = new HistoryImport.RejectedReport(sink::rejectedReport, null, 0)) {
            return history.importFile(new HistoryImport.Input("h.csv", new ByteArrayInputStream(bytes)), sink,
                    rejects);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRowWhoseRecordIsLongerThanMaxLineBytesIsRejectedLikeALongLine() throws Exception {
        Captured sink = new Captured();
        HistoryImport history = new HistoryImport(nrls(), new IncidentParser(TestKeys.pseudonymizer()), null,
                StandardCharsets.UTF_8, 1_700_000_000_000L, 1024);
        String longText = "x".repeat(2000);
        HistoryImport.Result result = run(history, utf8(HEADER + "\r\n"
                + "R1,15/07/2025 10:30,Intensive Care Unit 1,Severe harm,Medication,Wrong dose,4001\r\n"
                + "R2,15/07/2025 10:31,Intensive Care Unit 1,Low harm,Medication," + longText + ",4002\r\n"), sink);
        assertEquals(new HistoryImport.Result(1, 1), result);
        String report = sink.report.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("line longer than 1024 bytes ("), report);
        assertFalse(report.contains(longText), "the row itself is not copied (patient data)");
    }

    @Test
    void mapsColumnsValuesDefaultsAndLocalTimes() throws Exception {
        Captured sink = new Captured();
        HistoryImport.Result result = run(importer(nrls(), null, StandardCharsets.UTF_8), utf8(HEADER + "\r\n"
                + "R1,15/07/2025 10:30,Intensive Care Unit 1,Severe harm,Medication,Wrong dose,4001\r\n"
                + "R2,15/01/2025 10:30,Ward 9,No harm,Other thing,,4002\r\n"
                // 01:30 on 30 March 2025 does not exist in London (clocks go 01:00 → 02:00): moved on by the gap.
                + "R3,30/03/2025 01:30,Ward 9,Low harm,,,\r\n"), sink);
        assertEquals(new HistoryImport.Result(3, 0), result);
        JsonObject first = sink.record(0);
        assertEquals("R1", first.get("eventId").getAsString());
        assertEquals("2025-07-15T09:30:00Z", first.get("occurredAt").getAsString(), "BST is UTC+1");
        assertEquals("ICU-1", first.get("wardId").getAsString());
        assertEquals("severe", first.get("harmLevel").getAsString());
        assertEquals("medication", first.get("category").getAsString());
        assertEquals("RH-01", first.get("hospitalId").getAsString());
        assertEquals("incident", first.get("reportType").getAsString());
        assertEquals("4001", first.get("patientRef").getAsString(), "the stream pseudonymises what Kafka carries");
        JsonObject second = sink.record(1);
        assertEquals("2025-01-15T10:30:00Z", second.get("occurredAt").getAsString(), "GMT in winter");
        assertEquals("Ward 9", second.get("wardId").getAsString(), "a value missing from the map is used as it is");
        assertEquals("Other thing", second.get("category").getAsString());
        assertFalse(second.has("description"), "an empty cell leaves the field out");
        assertEquals("2025-03-30T01:30:00Z", sink.record(2).get("occurredAt").getAsString());
        assertFalse(sink.record(2).has("category"));
        assertEquals(List.of("ICU-1", "Ward 9", "Ward 9"), sink.keys, "records are keyed by ward");
    }

    @Test
    void quotedFieldsWithNewlinesAndBadRowsAreReportedWithRowAndLine() throws Exception {
        Captured sink = new Captured();
        String csv = HEADER + "\n"
                + "R1,01/02/2025 08:00,W1,No harm,Medication,\"Found on floor,\nno \"\"injury\"\"\",4001\n"
                + "R2,32/01/2025 08:00,W1,No harm,Medication,x,4002\n"
                + "R3,01/02/2025 08:00,W1,Catastrophic,Medication,x,4003\n"
                + "R4,01/02/2025 08:00,,No harm,Medication,x,4004\n"
                + "R5,01/02/2025 08:00,W1,No harm\n"
                + "\n"
                + "R6,01/02/2025 08:00,W1,Death,Patient accident,\"multi\nline\nnote\",4006\n"
                + "R7,01/02/2025 08:00,W1,No harm,Medication,x,4007,extra\n";
        ByteArrayOutputStream report = sink.report;
        HistoryImport.Result result;
        try (HistoryImport.RejectedReport rejects = new HistoryImport.RejectedReport(sink::rejectedReport, null, 0)) {
            result = importer(nrls(), null, StandardCharsets.UTF_8).importFile(
                    new HistoryImport.Input("h.csv", new ByteArrayInputStream(utf8(csv))), sink, rejects);
            assertEquals(5, rejects.count());
        }
        assertEquals(new HistoryImport.Result(2, 5), result);
        assertEquals("Found on floor,\nno \"injury\"", sink.record(0).get("description").getAsString());
        assertEquals("R6", sink.record(1).get("eventId").getAsString());
        assertEquals(List.of(
                "file,row,line,reason",
                "h.csv,2,4,occurredAt '32/01/2025 08:00' (column 'Incident date') does not match dd/MM/yyyy HH:mm",
                "h.csv,3,5,\"unknown harmLevel 'Catastrophic' (expected death, severe, moderate, mild, none or "
                        + "unknown)\"",
                "h.csv,4,6,required field wardId is empty (column 'Location')",
                "h.csv,5,7,\"row has 4 fields, the header has 7\"",
                "h.csv,7,12,\"row has 8 fields, the header has 7\""),
                List.of(report.toString(StandardCharsets.UTF_8).split("\r\n")),
                "row numbers count data rows (a blank line is none), lines count file lines");
    }

    @Test
    void byteOrderMarkAndSemicolonsAreRead() throws Exception {
        Captured sink = new Captured();
        byte[] body = utf8(HEADER.replace(',', ';') + "\r\nR1;01/02/2025 08:00;Intensive Care Unit 1;Low harm;"
                + "Medication;\"a; b, c\";4001\r\n");
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertEquals(new HistoryImport.Result(1, 0), run(importer(nrls(), null, StandardCharsets.UTF_8), withBom,
                sink));
        assertEquals("R1", sink.record(0).get("eventId").getAsString(), "the BOM is not part of the first header");
        assertEquals("a; b, c", sink.record(0).get("description").getAsString());
    }

    @Test
    void givenDelimiterAndEncodingAreUsed() throws Exception {
        Captured sink = new Captured();
        String csv = HEADER.replace(',', '\t') + "\nR1\t01/02/2025 08:00\tStation Süd\tNo harm\tMedication\tx\t1\n";
        assertEquals(new HistoryImport.Result(1, 0), run(importer(nrls(), '\t', Charset.forName("ISO-8859-1")),
                csv.getBytes(Charset.forName("ISO-8859-1")), sink));
        assertEquals("Station Süd", sink.record(0).get("wardId").getAsString());
    }

    @Test
    void invalidBytesStopTheFileNamingIt() throws Exception {
        byte[] bad = utf8(HEADER + "\nR1,01/02/2025 08:00,W\u00fc,No harm,Medication,x,1\n");
        byte[] latin1 = new String(bad, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
        HistoryImport.FileException e = assertThrows(HistoryImport.FileException.class,
                () -> run(importer(nrls(), null, StandardCharsets.UTF_8), latin1, new Captured()));
        assertTrue(e.getMessage().startsWith("h.csv: cannot read the CSV after row 0"), e.getMessage());
        assertTrue(e.getMessage().contains("give --encoding"), e.getMessage());
    }

    @Test
    void aHeaderWithoutAMappedColumnNamesTheKey() {
        MappingException e = assertThrows(MappingException.class, () -> run(importer(nrls(), null,
                StandardCharsets.UTF_8), utf8(HEADER.replace("Location", "Ward") + "\n"), new Captured()));
        assertTrue(e.getMessage().startsWith("columns.wardId: the CSV has no column 'Location'"), e.getMessage());
    }

    @Test
    void badMappingsNameTheirKey() {
        assertMappingError("{\"columns\": {\"eventId\": \"a\", \"occurredAt\": \"b\", \"wardId\": \"c\"}}",
                "columns.harmLevel: required");
        assertMappingError(NRLS.replace("\"description\": \"Description\"", "\"notes\": \"Description\""),
                "columns.notes: not a field of the incident record");
        assertMappingError(NRLS.replace("Europe/London", "Europe/Londres"), "timeZone: unknown time zone");
        assertMappingError(NRLS.replace("dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm {"), "occurredAtFormat: not a "
                + "java.time pattern");
        assertMappingError(NRLS.replace("\"defaults\"", "\"default\""), "default: unknown key");
        assertMappingError(NRLS.replace("\"Death\": \"death\"", "\"Death\": 4"), "values.harmLevel.Death: expected "
                + "a string");
        assertMappingError(NRLS.replace("\"hospitalId\": \"RH-01\"", "\"wardId\": \"X\""), "defaults.wardId: also "
                + "mapped in columns");
        assertMappingError("{\"columns\": ", "not valid JSON");
    }

    private static void assertMappingError(String json, String expectedStart) {
        MappingException e = assertThrows(MappingException.class,
                () -> ImportMapping.parse("m.json", new StringReader(json)));
        assertTrue(e.getMessage().startsWith(expectedStart) || e.getMessage().startsWith("m.json: " + expectedStart),
                e.getMessage());
    }

    @Test
    void theBuiltInMappingReimportsTheAnalyticsExport() throws Exception {
        Captured sink = new Captured();
        String export = "eventId,occurredAt,date,hour,weekday,hospitalId,wardId,harmLevel,harmOrdinal,category,"
                + "reportedCategory,reportType,requalified,patientToken\r\n"
                + "E1,2025-03-01T10:00:00Z,2025-03-01,10,6,RH-01,ICU-1,severe,3,fall,Patient accident,near_miss,"
                + "true,0123456789abcdef0123456789abcdef\r\n";
        assertEquals(new HistoryImport.Result(1, 0), run(importer(ImportMapping.builtIn(), null,
                StandardCharsets.UTF_8), utf8(export), sink));
        JsonObject record = sink.record(0);
        assertEquals("2025-03-01T10:00:00Z", record.get("occurredAt").getAsString());
        assertEquals("fall", record.get("category").getAsString());
        assertEquals("near_miss", record.get("reportType").getAsString());
        assertEquals("0123456789abcdef0123456789abcdef", record.get("patientToken").getAsString(),
                "the token is kept as it is: it was made from the same key");
        assertFalse(record.has("patientRef"));
    }

    @Test
    void theArchiveSinkWritesEntriesLikeTheStreamAndCommitsAtTheEnd() throws Exception {
        Path archive = temp.resolve("archive");
        long millis = 1_700_000_000_000L; // 2023-11-14 UTC
        ArchiveImportSink sink = new ArchiveImportSink(archive.toString(), "gzip", millis, new Configuration());
        HistoryImport history = importer(nrls(), null, StandardCharsets.UTF_8);
        try (sink; HistoryImport.RejectedReport rejects = new HistoryImport.RejectedReport(sink::rejectedReport,
                null, 0)) {
            sink.nextFile();
            history.importFile(new HistoryImport.Input("a.csv", new ByteArrayInputStream(utf8(HEADER
                    + "\nR1,01/02/2025 08:00,Intensive Care Unit 1,Death,Medication,x,4001\nR2,bad,W,No harm,,,\n"))),
                    sink, rejects);
            Path pending = archive.resolve("date=2023-11-14").resolve("_import-" + millis);
            assertTrue(Files.isDirectory(pending), "written under a hidden name until the end");
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(pending)));
            rejects.close();
            sink.commit();
        }
        Path folder = archive.resolve("date=2023-11-14").resolve("import-" + millis);
        List<String> entries = gunzipLines(folder.resolve("part-00000.gz"));
        assertEquals(1, entries.size());
        JsonObject entry = JsonParser.parseString(entries.get(0)).getAsJsonObject();
        assertEquals(millis, entry.get("batchTime").getAsLong());
        assertEquals("import:a.csv:1", entry.get("source").getAsString());
        assertEquals("accepted", entry.get("status").getAsString());
        JsonObject incident = entry.getAsJsonObject("incident");
        assertEquals("death", incident.get("harmLevel").getAsString());
        assertEquals("medication", incident.get("category").getAsString());
        assertEquals(TestKeys.pseudonymizer().token("4001"), incident.get("patientToken").getAsString());
        assertFalse(entries.get(0).contains("4001"), "no patientRef in the archive");
        assertEquals(List.of("file,row,line,reason",
                "a.csv,2,3,occurredAt 'bad' (column 'Incident date') does not match dd/MM/yyyy HH:mm"),
                Files.readAllLines(folder.resolve("import-rejected.csv")));
        assertFalse(Files.exists(archive.resolve("date=2023-11-14").resolve("_import-" + millis)));
    }

    static List<String> gunzipLines(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }
}

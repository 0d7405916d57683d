package org.hospital.incidents.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.hospital.incidents.history.HistoryImport;
import org.hospital.incidents.history.ImportMapping;
import org.hospital.incidents.history.ArchiveImportSink;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.testing.NrlsTables;
import org.hospital.incidents.testing.TestKeys;
import org.hospital.incidents.devtools.HistoryGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.hospital.incidents.stream.config.SurgeLimitsFile;

/**
 * Import into the archive, then the analytics job on local Spark (DESIGN.md "Analytics"): every value of the four
 * questions against answers computed here from the generated CSV by a plain loop, with the history imported twice
 * (counted once), re-qualifications (the first one per eventId replaces the category; one for an eventId that is not
 * archived is no incident), a repeat the stream archived (counted once) and a rejected entry (not counted). The HTML
 * report is opened in headless Chromium where one is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final long FIRST_IMPORT = 1_750_000_000_000L;
    private static final long SECOND_IMPORT = 1_760_000_000_000L;
    private static final long STREAM_BATCH = 1_790_000_000_000L;

    @TempDir
    static Path temp;

    private JavaSparkContext sc;
    private Path archive;
    private Map<String, Expected> expected;

    /** The reference answer for one eventId, computed from the CSV without the code under test. */
    record Expected(String eventId, Instant occurredAt, String ward, String harm, String category,
            boolean unclassifiedAtReport, boolean requalified) {
        ZonedDateTime local() {
            return occurredAt.atZone(LONDON);
        }
    }

    @BeforeAll
    void importHistoryAndStreamEntries() throws Exception {
        sc = new JavaSparkContext(org.hospital.incidents.stream.app.KryoClasses.configure(new SparkConf()
                .setMaster("local[2]").setAppName("AnalyticsTest").set("spark.ui.enabled", "false"),
                AnalyticsKryo.class));
        archive = temp.resolve("archive");
        StringWriter csv = new StringWriter();
        HistoryGenerator.write(csv, 77, 4000, 2025, 0);
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        ImportMapping nrls = ImportMapping.read(Path.of("config/import-mapping-nrls.json"));
        for (long millis : new long[] {FIRST_IMPORT, SECOND_IMPORT}) {
            HistoryImport history = new HistoryImport(nrls, new IncidentParser(TestKeys.pseudonymizer()), null,
                    StandardCharsets.UTF_8, millis);
            try (ArchiveImportSink sink = new ArchiveImportSink(archive.toString(), "gzip", millis,
                    new Configuration()); HistoryImport.RejectedReport rejects = new HistoryImport.RejectedReport(
                            sink::rejectedReport, null, 0)) {
                sink.nextFile();
                HistoryImport.Result result = history.importFile(new HistoryImport.Input("h.csv",
                        new ByteArrayInputStream(bytes)), sink, rejects);
                assertEquals(new HistoryImport.Result(4000, 0), result);
                sink.commit();
            }
        }
        expected = reference(csv.toString());
        // The stream's entries: re-qualifications of five unclassified reports (one of them twice: the first wins),
        // one for an eventId never archived, a repeat of an imported report in another ward (a duplicate: ignored),
        // a report only the stream saw (with an offset time), and a rejected line.
        List<String> unclassified = expected.values().stream().filter(Expected::unclassifiedAtReport)
                .map(Expected::eventId).sorted().limit(5).toList();
        List<String> entries = new ArrayList<>();
        String[] to = {"fall", "medication", "pressure_ulcer", "fall", "other"};
        for (int i = 0; i < unclassified.size(); i++) {
            Expected e = expected.get(unclassified.get(i));
            entries.add(requalification(unclassified.get(i), e.ward(), to[i], STREAM_BATCH, i));
            expected.put(e.eventId(), new Expected(e.eventId(), e.occurredAt(), e.ward(), e.harm(), to[i], true,
                    true));
        }
        entries.add(requalification(unclassified.get(0), expected.get(unclassified.get(0)).ward(), "medication",
                STREAM_BATCH + 1000, 9));
        entries.add(requalification("NEVER-ARCHIVED", "ICU-1", "fall", STREAM_BATCH, 10));
        // A re-qualification naming the wrong ward: the ledger refuses it, in the stream and here alike.
        String other = expected.values().stream().filter(Expected::unclassifiedAtReport).map(Expected::eventId)
                .sorted().skip(5).findFirst().orElseThrow();
        entries.add(requalification(other, "NOT-" + expected.get(other).ward(), "fall", STREAM_BATCH, 11));
        String repeated = expected.keySet().iterator().next();
        entries.add(accepted(repeated, "2025-06-01T10:00:00Z", "SURG-4", "death", "fall", STREAM_BATCH));
        // A hostile hospitalId: a spreadsheet formula that incidents.csv must neutralise (OWASP CSV injection).
        entries.add(accepted("S-1", "2025-12-31T23:30:00-01:00", "ICU-1", "severe", "fall", STREAM_BATCH)
                .replace("\"wardId\"", "\"hospitalId\":\"=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")\",\"wardId\""));
        // An amendment of an imported report (a later updatedAt than its version's none): ward, harm level and
        // category move, as in the stream; its status says so.
        String amended = expected.keySet().stream().filter(id -> !id.equals(repeated)
                && !unclassified.contains(id) && !expected.get(id).unclassifiedAtReport()).sorted().findFirst()
                .orElseThrow();
        Expected before = expected.get(amended);
        entries.add(accepted(amended, before.occurredAt().toString(), "ICU-1", "death", "medication", STREAM_BATCH)
                .replace("\"status\":\"accepted\"", "\"status\":\"amended\"")
                .replace("\"reportedCategory\"", "\"updatedAt\":\"2026-09-21T09:00:00Z\",\"reportedCategory\""));
        expected.put(amended, new Expected(amended, before.occurredAt(), "ICU-1", "death", "medication", false,
                false));
        expected.put("S-1", new Expected("S-1", Instant.parse("2026-01-01T00:30:00Z"), "ICU-1", "severe", "fall",
                false, false));
        entries.add("{\"batchTime\":" + STREAM_BATCH + ",\"source\":\"kafka:t/0/9\",\"status\":\"rejected\","
                + "\"reason\":\"missing required field 'wardId'\",\"line\":\"{}\"}");
        Path batch = archive.resolve("date=2026-09-21").resolve("batch-" + STREAM_BATCH);
        Files.createDirectories(batch);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(batch.resolve("part-00000.gz")))) {
            out.write((String.join("\n", entries) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static String requalification(String eventId, String ward, String category, long batchTime,
            int offset) {
        return "{\"batchTime\":" + batchTime + ",\"source\":\"kafka:t/0/" + offset + "\",\"status\":\"requalified\","
                + "\"incident\":{\"eventId\":\"" + eventId + "\",\"wardId\":\"" + ward + "\",\"occurredAt\":"
                + "\"2025-01-01T00:00:00Z\",\"harmLevel\":\"none\",\"status\":\"requalified\",\"category\":\""
                + category + "\",\"reportedCategory\":\"" + category + "\",\"reviewedBy\":\"dr.lee\","
                + "\"reviewedAt\":\"2026-09-21T10:00:00Z\"}}";
    }

    private static String accepted(String eventId, String occurredAt, String ward, String harm, String category,
            long batchTime) {
        return "{\"batchTime\":" + batchTime + ",\"source\":\"kafka:t/1/" + eventId.hashCode() + "\",\"status\":"
                + "\"accepted\",\"incident\":{\"eventId\":\"" + eventId + "\",\"occurredAt\":\"" + occurredAt
                + "\",\"wardId\":\"" + ward + "\",\"harmLevel\":\"" + harm + "\",\"category\":\"" + category
                + "\",\"reportedCategory\":\"" + category + "\"}}";
    }

    /** The generated history read with the sample mapping's tables, by hand. */
    private static Map<String, Expected> reference(String csv) throws IOException {
        Map<String, String> wards = NrlsTables.wards();
        Map<String, String> harms = NrlsTables.harms();
        Map<String, String> categories = new HashMap<>(Map.of("Medication", "medication", "Patient accident", "fall",
                "Infection control incident", "healthcare_associated_infection", "Medical device / equipment",
                "device_or_supply", "Treatment, procedure", "surgery_or_anesthesia", "Pressure sore / decubitus ulcer",
                "pressure_ulcer", "Maternity / obstetric", "perinatal", "Blood / blood products", "blood_product",
                "Venous thromboembolism", "venous_thromboembolism", "Other", "other"));
        Map<String, Expected> answer = new TreeMap<>();
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new java.io.StringReader(csv))) {
            for (CSVRecord row : parser) {
                Instant at = LocalDateTime.parse(row.get("Incident date"), format).atZone(LONDON).toInstant();
                String category = categories.getOrDefault(row.get("Incident category"), "unclassified");
                answer.put(row.get("Ref"), new Expected(row.get("Ref"), at, wards.get(row.get("Location")),
                        harms.get(row.get("Degree of harm")), category, "unclassified".equals(category), false));
            }
        }
        return answer;
    }

    private Path analyse(String name, String from, String to) {
        Path out = temp.resolve(name);
        List<String> args = new ArrayList<>(List.of("--archive", archive.toString(), "--out", out.toString(),
                "--time-zone", "Europe/London"));
        if (from != null) {
            args.addAll(List.of("--from", from, "--to", to));
        }
        int status = Analytics.runOn(sc, args.toArray(String[]::new));
        assertEquals(0, status);
        return out;
    }

    private static List<List<String>> read(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.parse(reader)) {
            for (CSVRecord record : parser) {
                rows.add(record.toList());
            }
        }
        return rows;
    }

    private static String share(long part, long whole) {
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void answersTheFourQuestionsExactly() throws IOException {
        Path out = analyse("all", null, null);
        List<Expected> all = new ArrayList<>(expected.values());

        List<List<String>> incidents = read(out.resolve("incidents.csv"));
        assertEquals(org.hospital.incidents.analytics.IncidentRow.HEADER, incidents.get(0));
        assertEquals(all.size(), incidents.size() - 1, "one row per eventId: the second import and the repeat "
                + "count once, the re-qualification of an unarchived eventId is none");
        List<String> ids = all.stream().sorted(java.util.Comparator.comparing(Expected::occurredAt)
                .thenComparing(Expected::eventId)).map(Expected::eventId).toList();
        assertEquals(ids, incidents.stream().skip(1).map(r -> r.get(0)).toList(), "sorted by occurredAt, eventId");
        List<String> s1 = incidents.stream().filter(r -> r.get(0).equals("S-1")).findFirst().orElseThrow();
        assertEquals("'=HYPERLINK(\"http://evil.example\",\"x\")", s1.get(5), "a formula is written as text");
        assertTrue(incidents.stream().flatMap(List::stream).noneMatch(cell -> cell.startsWith("=")),
                "no cell of incidents.csv begins with '='");
        for (List<String> row : incidents.subList(1, incidents.size())) {
            Expected e = expected.get(row.get(0));
            assertEquals(List.of(e.occurredAt().toString(), e.local().toLocalDate().toString(),
                    String.valueOf(e.local().getHour()), String.valueOf(e.local().getDayOfWeek().getValue()),
                    e.ward(), e.harm(), e.category(), String.valueOf(e.requalified())),
                    List.of(row.get(1), row.get(2), row.get(3), row.get(4), row.get(6), row.get(7), row.get(9),
                            row.get(12)), row.get(0));
        }

        Map<String, long[]> q1 = new TreeMap<>();
        long[][] q2 = new long[8][24];
        Map<String, Long> q3 = new TreeMap<>();
        Map<String, long[]> q4 = new TreeMap<>();
        Map<String, Long> wardTotals = new TreeMap<>();
        for (Expected e : all) {
            long[] c = q1.computeIfAbsent(e.ward() + "," + e.local().toLocalDate().toString().substring(0, 7),
                    k -> new long[2]);
            c[0]++;
            c[1] += "severe".equals(e.harm()) || "death".equals(e.harm()) ? 1 : 0;
            q2[e.local().getDayOfWeek().getValue()][e.local().getHour()]++;
            q3.merge(e.ward() + "," + e.category(), 1L, Long::sum);
            wardTotals.merge(e.ward(), 1L, Long::sum);
            long[] w = q4.computeIfAbsent(e.ward(), k -> new long[4]);
            w[0]++;
            w[1] += e.unclassifiedAtReport() ? 1 : 0;
            w[2] += e.requalified() ? 1 : 0;
            w[3] += "unclassified".equals(e.category()) ? 1 : 0;
        }
        List<List<String>> q1Rows = new ArrayList<>(List.of(Questions.Q1_HEADER));
        q1.forEach((k, c) -> q1Rows.add(List.of(k.split(",")[0], k.split(",")[1], String.valueOf(c[0]),
                String.valueOf(c[1]), share(c[1], c[0]))));
        assertEquals(q1Rows, read(out.resolve("q1-harm-by-ward-month.csv")));
        List<List<String>> q2Rows = new ArrayList<>(List.of(Questions.Q2_HEADER));
        for (int day = 1; day <= 7; day++) {
            for (int hour = 0; hour < 24; hour++) {
                q2Rows.add(List.of(String.valueOf(day), String.valueOf(hour), String.valueOf(q2[day][hour])));
            }
        }
        assertEquals(q2Rows, read(out.resolve("q2-hour-weekday.csv")));
        List<List<String>> q3Rows = new ArrayList<>(List.of(Questions.Q3_HEADER));
        q3.forEach((k, n) -> q3Rows.add(List.of(k.split(",")[0], k.split(",")[1], String.valueOf(n),
                share(n, wardTotals.get(k.split(",")[0])))));
        assertEquals(q3Rows, read(out.resolve("q3-category-by-ward.csv")));
        List<List<String>> q4Rows = new ArrayList<>(List.of(Questions.Q4_HEADER));
        q4.forEach((ward, w) -> q4Rows.add(List.of(ward, String.valueOf(w[0]), String.valueOf(w[1]),
                String.valueOf(w[2]), String.valueOf(w[3]), share(w[1], w[0]))));
        assertEquals(q4Rows, read(out.resolve("q4-requalification.csv")));
        assertEquals(5, all.stream().filter(Expected::requalified).count());
        assertTrue(Files.readString(out.resolve("q1-harm-by-ward-month.csv")).contains("\r\n"), "RFC 4180 CRLF");
        for (String file : org.hospital.incidents.analytics.AnalyticsReportWriter.QUESTION_FILES) {
            byte[] png = Files.readAllBytes(out.resolve(file + ".png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1], file + ".png is a PNG");
        }
        browserCheck(out);
    }

    /** P(X >= k) for X ~ Poisson(lambda), summed term by term from the formula. */
    private static double tail(double lambda, int k) {
        double below = 0;
        double factorial = 1;
        for (int i = 0; i < k; i++) {
            factorial *= i == 0 ? 1 : i;
            below += Math.exp(-lambda) * Math.pow(lambda, i) / factorial;
        }
        return 1 - below;
    }

    @Test
    void surgeLimitsAreEachWardsPoissonLimitPerHourOfTheWeekAndTheStreamReadsThem() throws Exception {
        Path out = analyse("limits", "2025-03-01", "2025-03-31");
        long[] weekdays = new long[8];
        for (java.time.LocalDate day = java.time.LocalDate.parse("2025-03-01");
                !day.isAfter(java.time.LocalDate.parse("2025-03-31")); day = day.plusDays(1)) {
            weekdays[day.getDayOfWeek().getValue()]++;
        }
        Map<String, long[]> counts = new TreeMap<>();
        for (Expected e : expected.values()) {
            if (e.local().getYear() == 2025 && e.local().getMonthValue() == 3) {
                counts.computeIfAbsent(e.ward(), w -> new long[168])[(e.local().getDayOfWeek().getValue() - 1) * 24
                        + e.local().getHour()]++;
            }
        }
        List<List<String>> rows = read(out.resolve("surge-limits.csv"));
        assertEquals(Questions.SURGE_LIMITS_HEADER, rows.get(0));
        assertEquals(counts.size() * 168, rows.size() - 1, "every ward in scope, every hour of the week");
        int i = 1;
        for (Map.Entry<String, long[]> ward : counts.entrySet()) {
            for (int weekday = 1; weekday <= 7; weekday++) {
                for (int hour = 0; hour < 24; hour++) {
                    List<String> row = rows.get(i++);
                    double lambda = (double) ward.getValue()[(weekday - 1) * 24 + hour] / weekdays[weekday] * 60
                            / 3600;
                    int limit = 2;
                    while (tail(lambda, limit) > 0.001) {
                        limit++;
                    }
                    assertEquals(List.of(ward.getKey(), String.valueOf(weekday), String.valueOf(hour), "60"),
                            row.subList(0, 4));
                    assertEquals(lambda, Double.parseDouble(row.get(4)), 1e-6, row.toString());
                    assertEquals(String.valueOf(limit), row.get(5), row.toString());
                }
            }
        }
        assertTrue(Files.readString(out.resolve("surge-limits.properties")).contains("from=2025-03-01"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("surge-limits.png"));
        assertEquals((byte) 0x89, Files.readAllBytes(out.resolve("surge-limits.png"))[0]);

        // The stream reads the file as written: each ward's limit at each hour, its zone, its history.
        String uri = out.resolve("surge-limits.csv").toString();
        org.hospital.incidents.model.SurgeLimits limits = SurgeLimitsFile.load(uri, 60, 10,
                new Configuration());
        List<String> sample = rows.get(1 + 168 + 24 + 9); // the second ward, Tuesday 09:00-10:00
        long tuesday9 = java.time.LocalDateTime.parse("2025-03-04T09:30:00").atZone(LONDON).toInstant()
                .toEpochMilli();
        assertEquals(Long.parseLong(sample.get(5)), limits.forWard(sample.get(0)).limit(tuesday9));
        assertEquals("history 2025-03-01..2025-03-31", limits.forWard(sample.get(0)).source(tuesday9));
        assertEquals(10, limits.forWard("NO-SUCH-WARD").limit(tuesday9), "a ward without history: the threshold");
        SurgeLimitsFile.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(
                SurgeLimitsFile.Refused.class,
                () -> SurgeLimitsFile.load(uri, 300, 10, new Configuration()));
        assertTrue(refused.getMessage().contains("windowSeconds 60") && refused.getMessage().contains(
                "--window-seconds is 300"), refused.getMessage());
    }

    @Test
    void datesFilterOnTheLocalDateOfOccurredAt() throws IOException {
        Path out = analyse("march", "2025-03-01", "2025-03-31");
        long march = expected.values().stream().filter(e -> e.local().getMonthValue() == 3
                && e.local().getYear() == 2025).count();
        assertEquals(march, read(out.resolve("incidents.csv")).size() - 1);
        long q2Total = read(out.resolve("q2-hour-weekday.csv")).stream().skip(1)
                .mapToLong(r -> Long.parseLong(r.get(2))).sum();
        assertEquals(march, q2Total);
        assertEquals(169, read(out.resolve("q2-hour-weekday.csv")).size(), "all 168 weekday-hour rows");
        Path none = analyse("none", "2030-01-01", "2030-01-31");
        assertEquals(1, read(none.resolve("incidents.csv")).size(), "header only");
        assertEquals(169, read(none.resolve("q2-hour-weekday.csv")).size(), "zeros included");
        assertTrue(Files.exists(none.resolve("report.html")));
    }

    @Test
    void badFlagsAndAMissingArchiveExit2() {
        String out = temp.resolve("bad").toString();
        assertEquals(2, Analytics.runOn(sc, "--archive", temp.resolve("nowhere").toString(), "--out", out));
        assertEquals(2, Analytics.runOn(sc, "--archive", archive.toString(), "--out", out, "--from", "2025-13-01"));
        assertEquals(2, Analytics.runOn(sc, "--archive", archive.toString(), "--out", out, "--time-zone",
                "Mars/Olympus"));
        assertEquals(2, Analytics.runOn(sc, "--archive", archive.toString(), "--out", out, "--from", "2025-02-01",
                "--to", "2025-01-01"));
        assertEquals(2, Analytics.runOn(sc, "--archive", temp.toString(), "--out", out), "a folder without parts");
        assertEquals(2, Analytics.runOn(sc, "--archive", archive.toString(), "--bogus"));
    }

    /**
     * Opens report.html in headless Chromium with a script that counts the charts the browser decoded; skipped with
     * a message where no Chromium is installed (`apt-get install chromium`).
     */
    private static void browserCheck(Path out) throws IOException {
        String browser = org.hospital.incidents.testing.Chromium.orSkip("the HTML report's browser check");
        String page = Files.readString(out.resolve("report.html"));
        String probe = "<script>window.addEventListener('load',()=>{const ok=[...document.images].filter(i=>"
                + "i.complete&&i.naturalWidth>=800&&i.id.startsWith('chart-q')).length;"
                + "document.body.setAttribute('data-charts',ok);});</script></body>";
        Path check = out.resolve("check.html");
        Files.writeString(check, page.replace("</body>", probe));
        try {
            Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--virtual-time-budget=10000", "--dump-dom", check.toUri().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertTrue(dom.contains("data-charts=\"4\""), "the browser decoded the four charts of report.html: "
                    + dom.substring(0, Math.min(300, dom.length())));
            assertTrue(dom.contains("Q4 How much human re-qualification does each ward need?"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(check);
        }
    }
}

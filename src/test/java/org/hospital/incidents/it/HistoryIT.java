package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.hospital.incidents.testing.DriverLog;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.NrlsTables;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.HistoryGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History end to end with the real scripts: {@code bin/incident-import} into a real Kafka topic, the real
 * job (SparkSubmit) counting it to exact per-ward totals, {@code bin/incident-analytics} (SparkSubmit) over the job's
 * archive; and a million-row file imported into the archive with a 256 MB heap.
 */
class HistoryIT {

    private static final String TOPIC = "history-it";

    @TempDir
    Path temp;

    @Test
    void importedHistoryIsCountedExactlyByTheJobAndAnalysed() throws Exception {
        Path csv = temp.resolve("history.csv");
        try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            HistoryGenerator.write(writer, 99, 2000, 2025, 3);
        }
        Map<String, Map<String, Long>> expected = expectedByWard(csv);
        long valid = expected.values().stream().mapToLong(h -> h.values().stream().mapToLong(Long::longValue).sum())
                .sum();
        assertEquals(1997, valid, "the reference reading keeps all but the three bad rows");
        try (LocalKafka kafka = new LocalKafka()) {
            kafka.createTopic(TOPIC, 3);
            Path rejected = temp.resolve("rejected.csv");
            Scripts.Result imported = Scripts.run(Map.of(), 300, "incident-import", "--mapping",
                    "config/import-mapping-nrls.json", "--kafka", kafka.bootstrap(), "--topic", TOPIC, "--rate",
                    "5000", "--rejected", rejected.toString(), csv.toString());
            assertEquals(0, imported.exitCode(), imported.stdout() + imported.stderr());
            assertTrue(imported.stdout().contains("1997 imported, 3 rejected"), imported.stdout());
            assertEquals(4, Files.readAllLines(rejected).size(), "header and the three rows");

            Path config = TestFiles.configWith(temp.resolve("app.properties"),
                    "pseudonym-key-file=" + temp.resolve("pseudonym.key") + "\n");
            Path archive = temp.resolve("archive");
            Path log = temp.resolve("stream.out");
            Process driver = Scripts.start(log, "incident-stream", "--kafka", kafka.bootstrap(), "--topics", TOPIC,
                    "--group-id", "history-it", "--checkpoint", temp.resolve("checkpoint").toString(), "--output",
                    temp.resolve("out").toString(), "--archive", archive.toString(), "--config", config.toString(),
                    "--run-seconds", "150");
            OutputFolder out = new OutputFolder(temp.resolve("out"));
            awaitWardTotals(out, expected, driver, log);
            // The driver's Prometheus endpoint (Spark's PrometheusServlet, configured in config/): the streaming
            // source's batch metrics, and the named accumulators' figures in the UI's REST API.
            String ui = uiAddress(log);
            String metrics = get(ui + "/metrics/prometheus/");
            assertTrue(metrics.contains("metrics_hospital_incidents_driver_hospital_incident_streaming_"
                    + "StreamingMetrics_streaming_lastCompletedBatch_processingDelay_Value"), metrics);
            assertTrue(metrics.contains("StreamingMetrics_streaming_totalProcessedRecords_Value"), metrics);
            // The incident ledger's size (counted every 10 s): one entry per imported eventId.
            String ledger = "metrics_hospital_incidents_driver_incidentLedger_entries_Number{type=\"gauges\"} 1997";
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!metrics.contains(ledger) && System.nanoTime() < until) {
                Thread.sleep(1000);
                metrics = get(ui + "/metrics/prometheus/");
            }
            assertTrue(metrics.contains(ledger), metrics);
            // Its heap as Spark's memory store is told, and the storage memory it is judged against.
            assertTrue(java.util.regex.Pattern.compile("metrics_hospital_incidents_driver_incidentLedger_estimatedBytes"
                    + "_Number\\{type=\"gauges\"} [1-9][0-9]{5,}").matcher(metrics).find(), metrics);
            assertTrue(java.util.regex.Pattern.compile("metrics_hospital_incidents_driver_incidentLedger_storageBytes"
                    + "_Number\\{type=\"gauges\"} [1-9][0-9]{7,}").matcher(metrics).find(), metrics);
            driver.destroy();
            assertTrue(driver.waitFor(60, TimeUnit.SECONDS));

            Scripts.Result analysed = Scripts.run(Map.of(), 300, "incident-analytics", "--archive",
                    archive.toString(), "--out", temp.resolve("analytics").toString(), "--time-zone", "Europe/London");
            assertEquals(0, analysed.exitCode(), analysed.stdout() + analysed.stderr());
            assertTrue(analysed.stdout().startsWith("1997 incidents"), analysed.stdout());
            Map<String, Long> reportsByWard = new TreeMap<>();
            for (List<String> row : read(temp.resolve("analytics").resolve("q4-requalification.csv"))) {
                reportsByWard.put(row.get(0), Long.parseLong(row.get(1)));
            }
            Map<String, Long> expectedReports = new TreeMap<>();
            expected.forEach((ward, harms) -> expectedReports.put(ward, harms.values().stream()
                    .mapToLong(Long::longValue).sum()));
            assertEquals(expectedReports, reportsByWard, "analytics counts each streamed report once per ward");
        }
    }

    @Test
    void aMillionRowsImportIntoTheArchiveWithA256MegabyteHeap() throws Exception {
        Path csv = temp.resolve("million.csv");
        try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            HistoryGenerator.write(writer, 5, 1_000_000, 2024, 0);
        }
        long started = System.nanoTime();
        Scripts.Result result = Scripts.run(Map.of("INCIDENT_IMPORT_HEAP", "256m"), 900, "incident-import",
                "--mapping", "config/import-mapping-nrls.json", "--archive", temp.resolve("archive").toString(),
                "--config", TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file="
                        + temp.resolve("pseudonym.key") + "\n").toString(), csv.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stdout().contains("1000000 imported, 0 rejected"), result.stdout());
        System.out.printf("HistoryIT: 1,000,000 rows (%d MB of CSV) imported with -Xmx256m in %.1f s (%.0f rows/s)%n",
                Files.size(csv) >> 20, seconds, 1_000_000 / seconds);
    }

    /** Harm-level counts per ward id, read from the CSV by hand with the sample mapping's tables. */
    private static Map<String, Map<String, Long>> expectedByWard(Path csv) throws IOException {
        Map<String, String> wards = NrlsTables.wards();
        Map<String, String> harms = NrlsTables.harms();
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
        Map<String, Map<String, Long>> byWard = new TreeMap<>();
        try (Reader reader = Files.newBufferedReader(csv); CSVParser parser = CSVFormat.RFC4180.builder().setHeader()
                .setSkipHeaderRecord(true).build().parse(reader)) {
            for (CSVRecord row : parser) {
                if (!row.isConsistent() || row.get("Ref").isEmpty() || !wards.containsKey(row.get("Location"))
                        || !harms.containsKey(row.get("Degree of harm"))) {
                    continue;
                }
                try {
                    LocalDateTime.parse(row.get("Incident date"), format);
                } catch (DateTimeParseException e) {
                    continue;
                }
                byWard.computeIfAbsent(wards.get(row.get("Location")), w -> new TreeMap<>())
                        .merge(harms.get(row.get("Degree of harm")), 1L, Long::sum);
            }
        }
        return byWard;
    }

    private static void awaitWardTotals(OutputFolder out, Map<String, Map<String, Long>> expected, Process driver,
            Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(140);
        Map<String, Map<String, Long>> seen = Map.of();
        while (System.nanoTime() < deadline && driver.isAlive()) {
            try {
                Map<String, Map<String, Long>> current = new TreeMap<>();
                for (Map.Entry<String, JsonObject> ward : out.latestWardTotals().entrySet()) {
                    current.put(ward.getKey(), OutputFolder.counts(ward.getValue().getAsJsonObject("byHarmLevel")));
                }
                seen = current;
                if (current.equals(expected)) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // A batch's files can appear between two reads of the folder: read again.
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("ward totals never matched the imported history; last seen " + seen + ", expected "
                + expected + "\n" + new DriverLog(log, driver).text());
    }

    private static List<List<String>> read(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); CSVParser parser = CSVFormat.RFC4180.builder().setHeader()
                .setSkipHeaderRecord(true).build().parse(reader)) {
            for (CSVRecord record : parser) {
                rows.add(record.toList());
            }
        }
        return rows;
    }

    /** @return the Spark UI's address from the driver's log ("Spark UI: http://… (Streaming tab)…") */
    private static String uiAddress(Path log) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Spark UI: (http://\\S+) \\(Streaming tab\\)")
                .matcher(Files.readString(log));
        assertTrue(m.find(), "the driver logs its UI address");
        return m.group(1);
    }

    private static String get(String url) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }
}

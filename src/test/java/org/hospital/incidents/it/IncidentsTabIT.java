package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.testing.LiveLineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Chromium;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Incidents tab as an operator meets it (docs/DESIGN.md "The Incidents tab"): {@code bin/incident-stream} on a
 * real socket with the shipped configuration (the plugin on) and an event log, {@code /incidents/json} and
 * {@code /incidents/} fetched with a real HTTP client while it runs and compared with the output folders, a ward id
 * and an eventId holding markup, the page opened in headless Chromium (skipped with a message where it is absent),
 * and after the run the same tab in Spark's History Server started by {@code bin/spark-history}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncidentsTabIT {

    private static final String HOSTILE_WARD = "<script>alert('ward')</script>";
    private static final String HOSTILE_EVENT = "\"><img src=x onerror=alert(1)>";
    private static final String PATIENT = "P-424242";
    private static final String DESCRIPTION = "Patient found beside the bed at night";
    private static final Gson GSON = new Gson();

    @TempDir
    static Path temp;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private LiveLineServer feed;
    private Process driver;
    private Path log;
    private String ui;
    private int accepted;
    private JsonObject liveFigures;

    @BeforeAll
    void startTheJobAndFeedIt() throws Exception {
        int uiPort = Scripts.freePort();
        Path events = Files.createDirectories(temp.resolve("events"));
        Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file="
                + temp.resolve("key") + "\nspark.ui.port=" + uiPort + "\nspark.eventLog.enabled=true\n"
                + "spark.eventLog.dir=" + events.toUri() + "\n");
        int port = Scripts.freePort();
        feed = new LiveLineServer(port);
        log = temp.resolve("driver.log");
        driver = Scripts.start(log, "incident-stream", "--socket", "127.0.0.1:" + port, "--checkpoint",
                temp.resolve("checkpoint").toString(), "--output", temp.resolve("out").toString(), "--archive",
                temp.resolve("archive").toString(), "--window-seconds", "10", "--slide-seconds", "2",
                "--surge-threshold", "8", "--run-seconds", "70", "--config", config.toString());
        ui = "http://127.0.0.1:" + uiPort;
        feed.awaitConnection(1, 120);
        List<String> lines = new ArrayList<>();
        long now = System.currentTimeMillis() - 2_000;
        String[] wards = {"ICU-1", "ED-2", HOSTILE_WARD};
        String[] harms = {"none", "mild", "moderate", "severe"};
        for (int i = 0; i < 45; i++) {
            JsonObject report = new JsonObject();
            report.addProperty("eventId", "TAB-" + i);
            report.addProperty("occurredAt", Instant.ofEpochMilli(now - i * 100L).toString());
            report.addProperty("wardId", wards[i % 3]);
            report.addProperty("harmLevel", harms[i % 4]);
            report.addProperty("category", i % 5 == 0 ? "not-a-category" : "fall");
            report.addProperty("patientRef", PATIENT);
            report.addProperty("description", DESCRIPTION);
            lines.add(GSON.toJson(report));
        }
        JsonObject hostile = new JsonObject();
        hostile.addProperty("eventId", HOSTILE_EVENT);
        hostile.addProperty("occurredAt", Instant.ofEpochMilli(now).toString());
        hostile.addProperty("wardId", HOSTILE_WARD);
        hostile.addProperty("harmLevel", "death");
        hostile.addProperty("category", "medication");
        hostile.addProperty("patientRef", PATIENT);
        lines.add(GSON.toJson(hostile));
        lines.add("{\"eventId\":\"TAB-bad\",\"wardId\":\"ICU-1\",\"harmLevel\":\"none\"}");
        lines.add("not json at all");
        accepted = 46;
        feed.send(lines);
        // The figures once every accepted report is in them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            JsonObject figures = json(ui + "/incidents/json");
            long total = 0;
            if (figures != null) {
                for (JsonElement ward : figures.getAsJsonArray("wards")) {
                    total += ward.getAsJsonObject().get("total").getAsLong();
                }
            }
            if (total == accepted && figures.getAsJsonObject("rejected").get("total").getAsLong() == 2) {
                liveFigures = figures;
                return;
            }
            assertTrue(driver.isAlive(), "the driver exited: " + Files.readString(log));
            Thread.sleep(500);
        }
        throw new AssertionError("the tab never showed the " + accepted + " reports: " + Files.readString(log));
    }

    @AfterAll
    void stop() throws Exception {
        if (feed != null) {
            feed.close();
        }
        if (driver != null && driver.isAlive()) {
            driver.destroy();
            driver.waitFor(60, TimeUnit.SECONDS);
        }
        Scripts.run(Map.of("SPARK_HISTORY_DIR", temp.resolve("events").toString()), 60, "spark-history", "stop");
    }

    @Test
    @Order(1)
    void theJsonEqualsTheOutputsAndHoldsNoPatientData() throws Exception {
        Map<String, JsonObject> latest = new OutputFolder(temp.resolve("out")).latestWardTotals();
        JsonArray wards = liveFigures.getAsJsonArray("wards");
        assertEquals(latest.keySet(), wardIds(wards));
        for (JsonElement element : wards) {
            JsonObject ward = element.getAsJsonObject().deepCopy();
            assertTrue(ward.has("window"), "each ward has its event-time window: " + ward);
            assertEquals(8, ward.getAsJsonObject("window").get("limit").getAsLong());
            assertEquals("threshold", ward.getAsJsonObject("window").get("limitSource").getAsString());
            ward.remove("window");
            assertEquals(latest.get(ward.get("wardId").getAsString()), ward, "the ward's latest ward-totals line");
        }
        // CRITICAL alerts: the alerts/ lines, newest first, each with the occurredAt of its report.
        Map<String, JsonObject> alertLines = new TreeMap<>();
        for (JsonObject alert : new OutputFolder(temp.resolve("out")).records("alerts")) {
            alertLines.put(alert.get("alertId").getAsString(), alert);
        }
        JsonArray critical = liveFigures.getAsJsonArray("criticalAlerts");
        assertEquals(alertLines.values().stream().filter(a -> a.get("type").getAsString().equals("CRITICAL"))
                .count(), critical.size());
        for (int i = 0; i < critical.size(); i++) {
            JsonObject alert = critical.get(i).getAsJsonObject().deepCopy();
            assertTrue(alert.remove("occurredAt") != null);
            assertEquals(alertLines.get(alert.get("alertId").getAsString()), alert);
            if (i > 0) {
                JsonObject before = critical.get(i - 1).getAsJsonObject();
                JsonObject now = critical.get(i).getAsJsonObject();
                assertTrue(before.get("batchTime").getAsLong() > now.get("batchTime").getAsLong()
                        || before.get("batchTime").getAsLong() == now.get("batchTime").getAsLong()
                        && before.get("occurredAt").getAsString().compareTo(now.get("occurredAt").getAsString())
                        >= 0, "newest first: " + critical);
            }
        }
        assertTrue(hasEventId(critical, HOSTILE_EVENT), "the hostile eventId as it was reported: " + critical);
        assertEquals(9, liveFigures.getAsJsonObject("review").get("pending").getAsLong(),
                "every fifth report was unclassified");
        assertEquals(2, liveFigures.getAsJsonObject("rejected").getAsJsonObject("lastHourByReason").entrySet()
                .stream().mapToLong(e -> e.getValue().getAsLong()).sum());
        JsonObject status = liveFigures.getAsJsonObject("status");
        assertEquals(1, status.get("receiversActive").getAsLong());
        assertTrue(status.get("sources").getAsString().startsWith("socket 127.0.0.1:"));
        assertTrue(status.has("watermark") && status.has("processingMillis"), status.toString());
        String raw = liveFigures.toString();
        assertFalse(raw.contains(PATIENT) || raw.contains("patientToken") || raw.contains(DESCRIPTION), raw);
    }

    @Test
    @Order(2)
    void thePageShowsEveryWardAndMarkupAsText() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(ui + "/incidents/")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, page.statusCode());
        String html = page.body();
        assertTrue(html.contains(">Incidents<"), "the tab in Spark's header");
        assertEquals(liveFigures.getAsJsonArray("wards").size(), html.split("<tr data-ward=", -1).length - 1);
        assertFalse(html.contains(HOSTILE_WARD), "the ward id's markup is not in the page as markup");
        assertFalse(html.contains("<img src=x"), "the eventId's markup is not in the page as markup");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;ward&#39;)&lt;/script&gt;"), "the ward id as text");
        assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the eventId as text");
        assertFalse(html.contains(PATIENT) || html.contains(DESCRIPTION), "no patient data");
    }

    @Test
    @Order(3)
    void theBrowserRendersTheWardTableAndKeepsItFresh() throws Exception {
        String browser = Chromium.orSkip("the Incidents tab's browser check");
        // 5 s of page time: the refresh has replaced the figures twice by the time the DOM is dumped.
        Process chromium = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--user-data-dir=" + temp.resolve("chromium"),
                "--virtual-time-budget=5000", "--dump-dom", ui + "/incidents/")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(chromium.waitFor(60, TimeUnit.SECONDS));
        assertEquals(liveFigures.getAsJsonArray("wards").size(), dom.split("<tr data-ward=", -1).length - 1,
                dom.substring(0, Math.min(500, dom.length())));
        assertFalse(dom.contains("<img src=\"x\""), "no element made from the eventId");
        assertTrue(dom.contains("id=\"incidents-critical\""));
    }

    @Test
    @Order(4)
    void afterTheRunTheHistoryServerShowsTheSameTab() throws Exception {
        assertTrue(driver.waitFor(150, TimeUnit.SECONDS), "the job stops after --run-seconds");
        assertEquals(0, driver.exitValue(), Files.readString(log));
        Map<String, JsonObject> latest = new OutputFolder(temp.resolve("out")).latestWardTotals();
        int port = Scripts.freePort();
        Map<String, String> env = Map.of("SPARK_HISTORY_DIR", temp.resolve("events").toString(),
                "SPARK_HISTORY_PORT", Integer.toString(port));
        Scripts.Result started = Scripts.run(env, 180, "spark-history", "start");
        assertEquals(0, started.exitCode(), started.stdout() + started.stderr());
        try {
            String history = "http://127.0.0.1:" + port;
            JsonArray apps = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && (apps == null || apps.isEmpty())) {
                HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(history
                        + "/api/v1/applications")).build(), HttpResponse.BodyHandlers.ofString());
                apps = list.statusCode() == 200 ? JsonParser.parseString(list.body()).getAsJsonArray() : null;
                Thread.sleep(500);
            }
            assertTrue(apps != null && apps.size() == 1, "the run's event log is listed: " + apps);
            String app = apps.get(0).getAsJsonObject().get("id").getAsString();
            JsonObject figures = json(history + "/history/" + app + "/incidents/json");
            assertTrue(figures != null, "the tab's JSON in the History Server");
            JsonArray wards = figures.getAsJsonArray("wards");
            assertEquals(latest.keySet(), wardIds(wards));
            for (JsonElement element : wards) {
                JsonObject ward = element.getAsJsonObject().deepCopy();
                ward.remove("window");
                assertEquals(latest.get(ward.get("wardId").getAsString()), ward);
            }
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(history + "/history/" + app
                    + "/incidents/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("id=\"incidents-wards\""));
            assertFalse(page.body().contains(HOSTILE_WARD));
        } finally {
            Scripts.run(env, 60, "spark-history", "stop");
        }
    }

    private static boolean hasEventId(JsonArray alerts, String eventId) {
        for (JsonElement alert : alerts) {
            if (eventId.equals(alert.getAsJsonObject().get("eventId").getAsString())) {
                return true;
            }
        }
        return false;
    }

    private static java.util.Set<String> wardIds(JsonArray wards) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        wards.forEach(w -> ids.add(w.getAsJsonObject().get("wardId").getAsString()));
        return ids;
    }

    /** @return the JSON at the URL, or null when it is not there yet (the UI still starting) */
    private JsonObject json(String url) throws Exception {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JsonParser.parseString(response.body()).getAsJsonObject() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}

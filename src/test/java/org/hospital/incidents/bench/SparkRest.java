package org.hospital.incidents.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

/**
 * Reads a running driver's streaming batches from Spark's own monitoring REST API ({@code /api/v1}, Spark
 * monitoring guide, "REST API"): the same batch information the Streaming tab shows. Uses the JDK's HTTP client.
 */
final class SparkRest {

    /** One completed or running batch (Spark's {@code streaming/batches} item); times in epoch millis. */
    record Batch(long batchTime, String status, long inputSize, long schedulingDelay, long processingTime,
            long totalDelay) {

        boolean completed() {
            return "COMPLETED".equals(status);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private String appId;

    /** @param uiPort the driver's {@code spark.ui.port} */
    SparkRest(int uiPort) {
        this.base = "http://127.0.0.1:" + uiPort + "/api/v1";
    }

    /** @return the batches the UI retains, oldest first; empty while the driver's UI is not up */
    List<Batch> batches() {
        List<Batch> batches = new ArrayList<>();
        JsonElement json = get(appPath() == null ? null : appPath() + "/streaming/batches");
        if (json == null || !json.isJsonArray()) {
            return batches;
        }
        for (JsonElement item : json.getAsJsonArray()) {
            JsonObject b = item.getAsJsonObject();
            batches.add(new Batch(b.get("batchId").getAsLong(), b.get("status").getAsString(),
                    b.get("inputSize").getAsLong(), optLong(b, "schedulingDelay"), optLong(b, "processingTime"),
                    optLong(b, "totalDelay")));
        }
        batches.sort((x, y) -> Long.compare(x.batchTime(), y.batchTime()));
        return batches;
    }

    /**
     * @param batchTime a batch's time (its id)
     * @return when its last output operation ended, epoch millis, or -1 when unknown. Unlike batch time + total
     *     delay, right for batches re-run after recovery too (their delays count from the resubmission).
     */
    long batchEnd(long batchTime) {
        return outputOperationEnd(batchTime, -1);
    }

    /**
     * @param batchTime a batch's time (its id)
     * @param outputOpId output operation id (registration order; 0 = the every-batch output write), -1 for the
     *     latest end of them all
     * @return when that output operation ended, epoch millis, or -1 when unknown
     */
    long outputOperationEnd(long batchTime, int outputOpId) {
        JsonElement json = get(appPath() == null ? null : appPath() + "/streaming/batches/" + batchTime
                + "/operations");
        if (json == null || !json.isJsonArray()) {
            return -1;
        }
        long end = -1;
        for (JsonElement item : json.getAsJsonArray()) {
            JsonObject op = item.getAsJsonObject();
            if ((outputOpId < 0 || op.get("outputOpId").getAsInt() == outputOpId) && op.has("endTime")) {
                end = Math.max(end, parseDate(op.get("endTime").getAsString()));
            }
        }
        return end;
    }

    private String appPath() {
        if (appId == null) {
            JsonElement apps = get("/applications");
            if (apps != null && apps.isJsonArray() && !apps.getAsJsonArray().isEmpty()) {
                appId = apps.getAsJsonArray().get(0).getAsJsonObject().get("id").getAsString();
            }
        }
        return appId == null ? null : "/applications/" + appId;
    }

    /**
     * @return the Incidents tab's status ({@code /incidents/json}'s {@code status}), or null when the tab is not
     *     there
     */
    JsonObject incidentsStatus() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base.replace("/api/v1", "")
                    + "/incidents/json/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("status") : null;
        } catch (IOException | JsonParseException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private JsonElement get(String path) {
        if (path == null) {
            return null;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JsonParser.parseString(response.body()) : null;
        } catch (IOException | JsonParseException e) {
            // Not up yet, or a page that is not JSON (the UI answers HTML while the application starts).
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long optLong(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value == null || value.isJsonNull() ? -1 : value.getAsLong();
    }

    /** Spark's REST dates: {@code 2026-11-21T23:59:59.123GMT}. */
    static long parseDate(String text) {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'");
        format.setTimeZone(TimeZone.getTimeZone("GMT"));
        try {
            return format.parse(text).getTime();
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a Spark REST date: " + text, e);
        }
    }
}

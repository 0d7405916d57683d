package org.hospital.incidents.stream.ui;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the Incidents tab shows (docs/DESIGN.md "The Incidents tab"), kept up to date from the job's
 * {@link IncidentsBatchEvent}s: the live driver applies each event as its listener bus delivers it, the History
 * Server replays them from the event log into a fresh one. Thread-safe: events arrive on Spark's listener thread,
 * pages are read on Jetty's.
 *
 * <p>The ward figures are each ward's latest {@code ward-totals} line as written (the line with the largest
 * {@code batchTime} wins, so the start-up snapshot and the batches may arrive in any order), plus its newest
 * event-time window. Memory is bounded by the wards: {@value #CRITICAL_SHOWN} CRITICAL alerts, an hour of window
 * counts and of rejection counts, at most {@value #PENDING_TRACKED} pending eventIds.
 *
 * <p>Holds no patient data: the events carry none ({@link BatchDigest}).
 */
public final class ConsoleFigures {

    /** CRITICAL alerts kept and shown, newest first. */
    public static final int CRITICAL_SHOWN = 50;

    /** Pending re-qualifications whose age is tracked; beyond it the oldest are forgotten (the count stays exact). */
    static final int PENDING_TRACKED = 100_000;

    private static final long HOUR = 3_600_000L;
    private static final Gson GSON = new Gson();

    private long batchTime = -1;
    private final JsonObject status = new JsonObject();
    private final TreeMap<String, JsonObject> wards = new TreeMap<>();
    private final Map<String, TreeMap<Long, long[]>> windows = new TreeMap<>();
    private final Map<String, JsonObject> limits = new TreeMap<>();
    private final Map<String, JsonObject> variations = new TreeMap<>();
    private final Deque<JsonObject> critical = new ArrayDeque<>();
    /** SURGE alerts by alertId, in the order raised. */
    private final LinkedHashMap<String, JsonObject> surges = new LinkedHashMap<>();
    private final Deque<Map.Entry<Long, Map<String, Long>>> rejectedByBatch = new ArrayDeque<>();
    private long rejectedTotal;
    /** Pending eventId → batch time it was queued, oldest first. */
    private final LinkedHashMap<String, Long> pending = new LinkedHashMap<>();
    private boolean pendingComplete = true;
    private JsonObject ledger;
    private long applyNanosLast;
    private long applyNanosMax;
    private long applyNanosSum;
    private long appliedBatches;
    /** The driver time of the last {@value #RECENT} batches, nanos: a job's first batches run before the JIT. */
    private final long[] recentNanos = new long[RECENT];

    /** Batches the recent maximum of the tab's driver time covers. */
    static final int RECENT = 60;

    /**
     * Applies one batch's figures.
     *
     * @param json the figures of an {@link IncidentsBatchEvent} ({@link IncidentsFeed} writes them)
     * @throws com.google.gson.JsonParseException when it is not such an object
     */
    public synchronized void apply(String json) {
        long started = System.nanoTime();
        JsonObject batch = JsonParser.parseString(json).getAsJsonObject();
        for (JsonElement line : array(batch, "wardTotals")) {
            JsonObject ward = line.getAsJsonObject();
            String id = ward.get("wardId").getAsString();
            JsonObject known = wards.get(id);
            if (known == null || known.get("batchTime").getAsLong() <= ward.get("batchTime").getAsLong()) {
                wards.put(id, ward);
            }
        }
        if (batch.has("variations")) {
            batch.getAsJsonObject("variations").entrySet().forEach(e -> variations.put(e.getKey(),
                    e.getValue().getAsJsonObject()));
        }
        if (!batch.has("batchTime")) {
            return; // a start-up snapshot: wards and variations only
        }
        batchTime = Math.max(batchTime, batch.get("batchTime").getAsLong());
        for (String key : new String[] {"batchIntervalMillis", "processingMillis", "schedulingDelayMillis", "queued",
            "receiversActive", "receivers", "sources", "allowedLatenessSeconds", "windowSeconds"}) {
            if (batch.has(key)) {
                status.add(key, batch.get(key));
            }
        }
        status.addProperty("batchTime", batchTime);
        if (batch.has("windows")) {
            for (Map.Entry<String, JsonElement> ward : batch.getAsJsonObject("windows").entrySet()) {
                TreeMap<Long, long[]> counts = windows.computeIfAbsent(ward.getKey(), w -> new TreeMap<>());
                for (JsonElement w : ward.getValue().getAsJsonArray()) {
                    JsonArray t = w.getAsJsonArray();
                    counts.put(t.get(0).getAsLong(), new long[] {t.get(1).getAsLong(), t.get(2).getAsLong()});
                }
                counts.headMap(counts.lastKey() - HOUR).clear();
            }
        }
        if (batch.has("limits")) {
            batch.getAsJsonObject("limits").entrySet().forEach(e -> limits.put(e.getKey(),
                    e.getValue().getAsJsonObject()));
        }
        JsonArray newCritical = array(batch, "criticalAlerts");
        for (int i = newCritical.size() - 1; i >= 0; i--) {
            critical.addFirst(newCritical.get(i).getAsJsonObject());
        }
        while (critical.size() > CRITICAL_SHOWN) {
            critical.removeLast();
        }
        for (JsonElement surge : array(batch, "surgeAlerts")) {
            surges.put(surge.getAsJsonObject().get("alertId").getAsString(), surge.getAsJsonObject());
        }
        closeSurges();
        Map<String, Long> reasons = new TreeMap<>();
        if (batch.has("rejectedByReason")) {
            batch.getAsJsonObject("rejectedByReason").entrySet().forEach(e -> reasons.put(e.getKey(),
                    e.getValue().getAsLong()));
        }
        if (!reasons.isEmpty()) {
            rejectedByBatch.addLast(Map.entry(batchTime, reasons));
        }
        while (!rejectedByBatch.isEmpty() && rejectedByBatch.peekFirst().getKey() <= batchTime - HOUR) {
            rejectedByBatch.removeFirst();
        }
        rejectedTotal += batch.has("rejected") ? batch.get("rejected").getAsLong() : 0;
        for (JsonElement id : array(batch, "reviewed")) {
            pending.put(id.getAsString(), batchTime);
        }
        for (JsonElement id : array(batch, "requalifiedIds")) {
            pending.remove(id.getAsString());
        }
        Iterator<String> oldest = pending.keySet().iterator();
        while (pending.size() > PENDING_TRACKED) {
            oldest.next();
            oldest.remove();
            pendingComplete = false;
        }
        if (batch.has("ledger") && batch.get("ledger").isJsonObject()) {
            ledger = batch.getAsJsonObject("ledger");
        }
        applyNanosLast = System.nanoTime() - started + (batch.has("feedNanos") ? batch.get("feedNanos").getAsLong()
                : 0);
        applyNanosMax = Math.max(applyNanosMax, applyNanosLast);
        applyNanosSum += applyNanosLast;
        recentNanos[(int) (appliedBatches % RECENT)] = applyNanosLast;
        appliedBatches++;
    }

    /**
     * A SURGE burst stays open while the ward's current window ({@link #current}) overlaps the window that raised it,
     * as the surge rule pages no second time while the ward's windows overlap an alerted one (docs/DESIGN.md "Surges
     * in event time").
     */
    private void closeSurges() {
        long clock = clock();
        surges.values().removeIf(surge -> {
            TreeMap<Long, long[]> counts = windows.get(surge.get("wardId").getAsString());
            long end = Instant.parse(surge.get("windowEnd").getAsString()).toEpochMilli();
            return counts != null && !counts.isEmpty() && current(counts, clock).getKey() >= end;
        });
    }

    /** @return the event-time clock: the newest {@code lastOccurredAt} of the wards, or {@link Long#MIN_VALUE} */
    private long clock() {
        long clock = Long.MIN_VALUE;
        for (JsonObject ward : wards.values()) {
            clock = Math.max(clock, Instant.parse(ward.get("lastOccurredAt").getAsString()).toEpochMilli());
        }
        return clock;
    }

    /**
     * The ward's current event-time window: of the windows that hold the event-time clock, the one that started
     * first, whose count is the ward's last window length of reports; the ward's newest window when it has none.
     */
    private Map.Entry<Long, long[]> current(TreeMap<Long, long[]> counts, long clock) {
        if (clock != Long.MIN_VALUE && status.has("windowSeconds")) {
            Map.Entry<Long, long[]> first = counts.higherEntry(clock - status.get("windowSeconds").getAsLong()
                    * 1000L);
            if (first != null && first.getKey() <= clock) {
                return first;
            }
        }
        return counts.lastEntry();
    }

    /** @return true once a batch's figures arrived */
    public synchronized boolean hasBatch() {
        return batchTime >= 0;
    }

    /**
     * The figures as {@code /incidents/json} serves them (members documented in docs/OPERATIONS.md).
     *
     * @param nowMillis now, epoch millis: the age of the oldest pending re-qualification is taken from it
     * @return a new JSON object
     */
    public synchronized JsonObject json(long nowMillis) {
        JsonObject json = new JsonObject();
        json.addProperty("batchTime", batchTime < 0 ? null : batchTime);
        JsonObject status = this.status.deepCopy();
        long clock = clock();
        long late = 0;
        for (JsonObject ward : wards.values()) {
            late += ward.has("late") ? ward.get("late").getAsLong() : 0;
        }
        if (clock != Long.MIN_VALUE) {
            status.addProperty("eventTimeClock", Instant.ofEpochMilli(clock).toString());
            if (status.has("allowedLatenessSeconds")) {
                status.addProperty("watermark", Instant.ofEpochMilli(clock
                        - status.get("allowedLatenessSeconds").getAsLong() * 1000L).toString());
            }
        }
        status.addProperty("late", late);
        status.addProperty("figuresMicrosLastBatch", applyNanosLast / 1000);
        status.addProperty("figuresMicrosMax", applyNanosMax / 1000);
        status.addProperty("figuresMicrosMean", appliedBatches == 0 ? 0 : applyNanosSum / appliedBatches / 1000);
        long recentMax = 0;
        for (long nanos : recentNanos) {
            recentMax = Math.max(recentMax, nanos);
        }
        status.addProperty("figuresMicrosMaxLast60", recentMax / 1000);
        json.add("status", status);
        JsonArray wardArray = new JsonArray();
        long unclassified = 0;
        for (Map.Entry<String, JsonObject> entry : wards.entrySet()) {
            JsonObject ward = entry.getValue().deepCopy();
            JsonObject categories = ward.getAsJsonObject("byCategory");
            unclassified += categories != null && categories.has("unclassified")
                    ? categories.get("unclassified").getAsLong() : 0;
            TreeMap<Long, long[]> counts = windows.get(entry.getKey());
            if (counts != null && !counts.isEmpty()) {
                Map.Entry<Long, long[]> current = current(counts, clock);
                JsonObject window = new JsonObject();
                window.addProperty("windowStart", Instant.ofEpochMilli(current.getKey()).toString());
                window.addProperty("windowEnd", Instant.ofEpochMilli(current.getValue()[0]).toString());
                window.addProperty("count", current.getValue()[1]);
                JsonObject limit = limits.get(entry.getKey());
                if (limit != null) {
                    window.add("limit", limit.get("limit"));
                    window.add("limitSource", limit.get("limitSource"));
                }
                JsonArray spark = new JsonArray();
                counts.forEach((start, v) -> {
                    JsonArray point = new JsonArray();
                    point.add(start);
                    point.add(v[1]);
                    spark.add(point);
                });
                window.add("lastHour", spark);
                ward.add("window", window);
            }
            JsonObject variation = variations.get(entry.getKey());
            if (variation != null) {
                ward.add("variation", variation);
            }
            wardArray.add(ward);
        }
        json.add("wards", wardArray);
        JsonArray criticalArray = new JsonArray();
        critical.forEach(a -> criticalArray.add(a.deepCopy()));
        json.add("criticalAlerts", criticalArray);
        JsonArray open = new JsonArray();
        surges.values().forEach(surge -> {
            JsonObject burst = surge.deepCopy();
            TreeMap<Long, long[]> counts = windows.get(surge.get("wardId").getAsString());
            long start = Instant.parse(surge.get("windowStart").getAsString()).toEpochMilli();
            if (counts != null && counts.containsKey(start)) {
                burst.addProperty("count", Math.max(surge.get("count").getAsLong(), counts.get(start)[1]));
            }
            burst.addProperty("since", surge.get("batchTime").getAsLong());
            open.add(burst);
        });
        json.add("openSurges", open);
        JsonObject rejected = new JsonObject();
        rejected.addProperty("total", rejectedTotal);
        Map<String, Long> lastHour = new TreeMap<>();
        rejectedByBatch.forEach(batch -> batch.getValue().forEach((reason, n) -> lastHour.merge(reason, n,
                Long::sum)));
        RejectionReasons.cap(lastHour);
        rejected.add("lastHourByReason", GSON.toJsonTree(lastHour));
        json.add("rejected", rejected);
        JsonObject review = new JsonObject();
        review.addProperty("pending", unclassified);
        if (!pending.isEmpty()) {
            long queuedAt = pending.values().iterator().next();
            review.addProperty("oldestPendingQueuedAt", queuedAt);
            review.addProperty("oldestPendingAgeSeconds", Math.max(0, (nowMillis - queuedAt) / 1000));
            review.addProperty("oldestPendingKnown", pendingComplete && pending.size() >= unclassified);
        }
        json.add("review", review);
        json.add("ledger", ledger == null ? null : ledger.deepCopy());
        return json;
    }

    /**
     * The whole state, for the History Server's store ({@link #restore} reads it back).
     *
     * @return a JSON object
     */
    public synchronized String snapshot() {
        JsonObject json = new JsonObject();
        json.addProperty("batchTime", batchTime);
        json.add("status", status);
        json.add("wards", GSON.toJsonTree(wards));
        json.add("windows", GSON.toJsonTree(windows));
        json.add("limits", GSON.toJsonTree(limits));
        json.add("variations", GSON.toJsonTree(variations));
        JsonArray criticalArray = new JsonArray();
        critical.forEach(criticalArray::add);
        json.add("critical", criticalArray);
        json.add("surges", GSON.toJsonTree(surges));
        JsonArray rejections = new JsonArray();
        rejectedByBatch.forEach(batch -> {
            JsonObject one = new JsonObject();
            one.addProperty("batchTime", batch.getKey());
            one.add("reasons", GSON.toJsonTree(batch.getValue()));
            rejections.add(one);
        });
        json.add("rejectedByBatch", rejections);
        json.addProperty("rejectedTotal", rejectedTotal);
        json.add("pending", GSON.toJsonTree(pending));
        json.addProperty("pendingComplete", pendingComplete);
        json.add("ledger", ledger);
        return GSON.toJson(json);
    }

    /**
     * @param snapshot from {@link #snapshot}
     * @return the figures it holds
     */
    public static ConsoleFigures restore(String snapshot) {
        JsonObject json = JsonParser.parseString(snapshot).getAsJsonObject();
        ConsoleFigures figures = new ConsoleFigures();
        figures.batchTime = json.get("batchTime").getAsLong();
        json.getAsJsonObject("status").entrySet().forEach(e -> figures.status.add(e.getKey(), e.getValue()));
        json.getAsJsonObject("wards").entrySet().forEach(e -> figures.wards.put(e.getKey(),
                e.getValue().getAsJsonObject()));
        json.getAsJsonObject("windows").entrySet().forEach(e -> {
            TreeMap<Long, long[]> counts = new TreeMap<>();
            e.getValue().getAsJsonObject().entrySet().forEach(w -> counts.put(Long.parseLong(w.getKey()),
                    GSON.fromJson(w.getValue(), long[].class)));
            figures.windows.put(e.getKey(), counts);
        });
        json.getAsJsonObject("limits").entrySet().forEach(e -> figures.limits.put(e.getKey(),
                e.getValue().getAsJsonObject()));
        json.getAsJsonObject("variations").entrySet().forEach(e -> figures.variations.put(e.getKey(),
                e.getValue().getAsJsonObject()));
        json.getAsJsonArray("critical").forEach(a -> figures.critical.addLast(a.getAsJsonObject()));
        json.getAsJsonObject("surges").entrySet().forEach(e -> figures.surges.put(e.getKey(),
                e.getValue().getAsJsonObject()));
        json.getAsJsonArray("rejectedByBatch").forEach(b -> {
            Map<String, Long> reasons = new TreeMap<>();
            b.getAsJsonObject().getAsJsonObject("reasons").entrySet().forEach(r -> reasons.put(r.getKey(),
                    r.getValue().getAsLong()));
            figures.rejectedByBatch.addLast(Map.entry(b.getAsJsonObject().get("batchTime").getAsLong(), reasons));
        });
        figures.rejectedTotal = json.get("rejectedTotal").getAsLong();
        json.getAsJsonObject("pending").entrySet().forEach(e -> figures.pending.put(e.getKey(),
                e.getValue().getAsLong()));
        figures.pendingComplete = json.get("pendingComplete").getAsBoolean();
        figures.ledger = json.has("ledger") && json.get("ledger").isJsonObject() ? json.getAsJsonObject("ledger")
                : null;
        return figures;
    }

    private static JsonArray array(JsonObject json, String member) {
        JsonElement value = json.get(member);
        return value == null || !value.isJsonArray() ? new JsonArray() : value.getAsJsonArray();
    }
}

package org.hospital.incidents.stream.ui;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchSubmitted;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverError;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverStarted;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverStopped;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.pipeline.SurgeLimitsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the Incidents tab: turns each completed batch into one {@link IncidentsBatchEvent} on Spark's
 * listener bus, which the live tab applies ({@link FiguresListener}) and the event log keeps for the History Server.
 *
 * <p>A batch's figures come from what the batch already computed: the digest its write tasks gathered
 * ({@link #written}, called by the output writer on the driver), the batch's timings from Spark's own
 * {@link StreamingListener} callbacks, and the ledger's size from its metrics. No Spark job is run for them.
 *
 * <p>Registered once per driver start, after the context is created or recovered (a listener is not part of a
 * checkpoint); one feed per Spark context, found by the writer through {@link #written}.
 */
public final class IncidentsFeed implements StreamingListener {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentsFeed.class);
    private static final Gson GSON = new Gson();
    private static final Map<SparkContext, IncidentsFeed> FEEDS = new ConcurrentHashMap<>();

    private final SparkContext sc;
    private final Settings settings;
    private final Map<Long, JsonObject> written = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<Integer, Boolean> receivers = new ConcurrentHashMap<>();
    private volatile JsonObject ledger;

    /**
     * What the feed states about the job besides the batches.
     *
     * @param sources the sources read, e.g. {@code socket 127.0.0.1:9999, kafka hospital-incidents}
     * @param batchIntervalMillis the batch interval, millis
     * @param windowSeconds the window length, seconds
     * @param allowedLatenessSeconds the watermark's lag behind the event-time clock, seconds
     * @param horizonHours the incident ledger's horizon, hours (0 = no ledger)
     * @param limits the wards' SURGE limits
     */
    public record Settings(String sources, long batchIntervalMillis, int windowSeconds, int allowedLatenessSeconds,
            int horizonHours, SurgeLimitsSource limits) {
    }

    private IncidentsFeed(SparkContext sc, Settings settings) {
        this.sc = sc;
        this.settings = settings;
    }

    /**
     * Makes the feed of a Spark context; add it to the streaming context with
     * {@code ssc.addStreamingListener(feed)}.
     *
     * @param sc the driver's Spark context
     * @param settings what the feed states about the job
     * @return the feed
     */
    public static IncidentsFeed start(SparkContext sc, Settings settings) {
        IncidentsFeed feed = new IncidentsFeed(sc, settings);
        FEEDS.put(sc, feed);
        return feed;
    }

    /**
     * Hands a written batch's digest to the feed of its Spark context, if there is one (a graph test has none).
     * Called on the driver by the output writer, before the batch completes.
     *
     * @param sc the Spark context
     * @param batchTime the batch time, epoch millis
     * @param digest what the write tasks gathered
     * @param counts the batch's accepted, late, rejected, amended and re-qualified reports, in that order
     * @param ledgerSize the ledger's latest measured size {@code {eventIds, estimatedBytes, measuredAt}}, or null
     */
    public static void written(SparkContext sc, long batchTime, BatchDigest digest, long[] counts,
            long[] ledgerSize) {
        IncidentsFeed feed = FEEDS.get(sc);
        if (feed != null) {
            feed.accept(batchTime, digest, counts, ledgerSize);
        }
    }

    /**
     * Posts the wards' latest {@code ward-totals} lines read at start (the batches bring only the wards they
     * change) and each ward's SPC variation, as one event without a batch time.
     *
     * @param wardTotalLines the latest line of each ward under {@code --output}
     * @param variations ward → {measure: variation} from {@code spc-summary.csv}, empty when none
     */
    public void postStartupSnapshot(Iterable<String> wardTotalLines, Map<String, Map<String, String>> variations) {
        JsonObject snapshot = new JsonObject();
        JsonArray wards = new JsonArray();
        wardTotalLines.forEach(line -> wards.add(JsonParser.parseString(line)));
        snapshot.add("wardTotals", wards);
        snapshot.add("variations", GSON.toJsonTree(variations));
        sc.listenerBus().post(new IncidentsBatchEvent(GSON.toJson(snapshot)));
    }

    private void accept(long batchTime, BatchDigest digest, long[] counts, long[] ledgerSize) {
        long started = System.nanoTime();
        JsonObject batch = new JsonObject();
        JsonArray wards = new JsonArray();
        digest.wardTotals().forEach(line -> wards.add(JsonParser.parseString(line)));
        batch.add("wardTotals", wards);
        JsonObject windows = new JsonObject();
        JsonObject limits = new JsonObject();
        SurgeLimits surgeLimits = settings.limits().limits();
        digest.windows().forEach((ward, triples) -> {
            JsonArray list = new JsonArray();
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < triples.length; i += 3) {
                JsonArray t = new JsonArray();
                t.add(triples[i]);
                t.add(triples[i + 1]);
                t.add(triples[i + 2]);
                list.add(t);
                newest = Math.max(newest, triples[i]);
            }
            windows.add(ward, list);
            WardLimits wardLimits = surgeLimits.forWard(ward);
            JsonObject limit = new JsonObject();
            limit.addProperty("limit", wardLimits.limit(newest));
            limit.addProperty("limitSource", wardLimits.source(newest));
            limits.add(ward, limit);
        });
        batch.add("windows", windows);
        batch.add("limits", limits);
        JsonArray critical = new JsonArray();
        java.util.List<String> lines = digest.criticalNewestFirst();
        long[] occurredAt = digest.criticalOccurredAtNewestFirst();
        for (int i = 0; i < lines.size(); i++) {
            JsonObject alert = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            alert.addProperty("occurredAt", java.time.Instant.ofEpochMilli(occurredAt[i]).toString());
            critical.add(alert);
        }
        batch.add("criticalAlerts", critical);
        JsonArray surges = new JsonArray();
        digest.surges().forEach(line -> surges.add(JsonParser.parseString(line)));
        batch.add("surgeAlerts", surges);
        batch.add("rejectedByReason", GSON.toJsonTree(digest.rejected()));
        batch.add("reviewed", GSON.toJsonTree(digest.reviewed()));
        batch.add("requalifiedIds", GSON.toJsonTree(digest.requalified()));
        String[] names = {"accepted", "late", "rejected", "amended", "requalified"};
        for (int i = 0; i < names.length; i++) {
            batch.addProperty(names[i], counts[i]);
        }
        if (ledgerSize != null && ledgerSize[0] >= 0) {
            JsonObject size = new JsonObject();
            size.addProperty("eventIds", ledgerSize[0]);
            size.addProperty("estimatedBytes", ledgerSize[1]);
            size.addProperty("measuredAt", ledgerSize[2]);
            size.addProperty("horizonHours", settings.horizonHours());
            ledger = size;
        }
        batch.addProperty("feedNanos", System.nanoTime() - started + digest.mergeNanos());
        written.put(batchTime, batch);
    }

    @Override
    public void onBatchSubmitted(StreamingListenerBatchSubmitted submitted) {
        queued.incrementAndGet();
    }

    @Override
    public void onBatchCompleted(StreamingListenerBatchCompleted completed) {
        queued.updateAndGet(n -> Math.max(0, n - 1));
        long started = System.nanoTime();
        long batchTime = completed.batchInfo().batchTime().milliseconds();
        JsonObject batch = written.remove(batchTime);
        if (batch == null) {
            batch = new JsonObject(); // nothing written: an empty batch still moves the status line
        }
        // Batches older than this one that never completed (a failed output) are dropped.
        written.keySet().removeIf(time -> time < batchTime);
        batch.addProperty("batchTime", batchTime);
        batch.addProperty("batchIntervalMillis", settings.batchIntervalMillis());
        batch.addProperty("windowSeconds", settings.windowSeconds());
        batch.addProperty("allowedLatenessSeconds", settings.allowedLatenessSeconds());
        batch.addProperty("sources", settings.sources());
        scala.Option<Object> processing = completed.batchInfo().processingDelay();
        if (processing.isDefined()) {
            batch.addProperty("processingMillis", (Long) processing.get());
        }
        scala.Option<Object> scheduling = completed.batchInfo().schedulingDelay();
        if (scheduling.isDefined()) {
            batch.addProperty("schedulingDelayMillis", (Long) scheduling.get());
        }
        batch.addProperty("queued", queued.get());
        batch.addProperty("receivers", receivers.size());
        batch.addProperty("receiversActive", receivers.values().stream().filter(Boolean::booleanValue).count());
        if (ledger != null) {
            batch.add("ledger", ledger);
        }
        long feed = batch.has("feedNanos") ? batch.get("feedNanos").getAsLong() : 0;
        batch.addProperty("feedNanos", feed + System.nanoTime() - started);
        try {
            sc.listenerBus().post(new IncidentsBatchEvent(GSON.toJson(batch)));
        } catch (RuntimeException e) {
            // The console must never fail a batch; the next batch brings the figures again.
            LOG.warn("Incidents tab: the figures of batch {} were not posted: {}", batchTime, e.toString());
        }
    }

    @Override
    public void onReceiverStarted(StreamingListenerReceiverStarted started) {
        receivers.put(started.receiverInfo().streamId(), true);
    }

    @Override
    public void onReceiverError(StreamingListenerReceiverError error) {
        receivers.put(error.receiverInfo().streamId(), error.receiverInfo().active());
    }

    @Override
    public void onReceiverStopped(StreamingListenerReceiverStopped stopped) {
        receivers.put(stopped.receiverInfo().streamId(), false);
    }

    /** Forgets the feed of a stopped context. */
    public void stop() {
        FEEDS.remove(sc, this);
    }
}

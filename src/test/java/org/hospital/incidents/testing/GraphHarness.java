package org.hospital.incidents.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.JavaTestUtils;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.util.ManualClock;
import org.hospital.incidents.stream.app.KryoClasses;
import org.hospital.incidents.stream.source.Utf8Lines;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.pipeline.GraphOutputs;
import org.hospital.incidents.pipeline.GraphSettings;
import org.hospital.incidents.pipeline.IncidentGraph;
import org.hospital.incidents.pipeline.StateSeed;

/**
 * Drives {@link IncidentGraph#build} on a real local Spark with controlled time: Spark's own
 * {@code TestInputStream} (checkpointable, unlike {@code queueStream}) feeds one list of lines per batch, and a
 * {@link ManualClock} is advanced one batch interval at a time, waiting for each batch to complete. No sleeps.
 *
 * <p>Batch {@code i} (0-based) has batch time {@code (i + 1) * batchMillis}: the manual clock starts at 0.
 * Outputs are collected on the driver, per output and per batch time.
 */
public final class GraphHarness implements AutoCloseable {

    private static final Map<String, Map<String, List<Collected>>> COLLECTED = new ConcurrentHashMap<>();

    /** One collected batch of one output. */
    public record Collected(long batchTime, List<Object> records) {
    }

    private final String runId = UUID.randomUUID().toString();
    private JavaStreamingContext ssc;
    private boolean started;
    private final GraphSettings settings;
    private final AtomicLong completedBatches = new AtomicLong();
    private long clockStart;
    private final Path checkpoint;
    private final Path localDir;

    /**
     * @param settings graph settings under test
     * @param batches one list of raw lines per batch (socket source label); null or empty = empty batch
     * @throws Exception when the temp checkpoint directory cannot be made
     */
    public GraphHarness(GraphSettings settings, List<List<String>> batches) throws Exception {
        this(batches.stream().map(batch -> batch == null ? List.<byte[]>of()
                : batch.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList()).toList(), settings);
    }

    /**
     * Builds the graph over raw input bytes, decoded as the sources decode them ({@link Utf8Lines#decode}).
     *
     * @param batches one list of raw lines (bytes, no terminator) per batch
     * @param settings graph settings
     * @throws Exception when the temp checkpoint directory cannot be made
     */
    public GraphHarness(List<List<byte[]>> batches, GraphSettings settings) throws Exception {
        this(batches, settings, StateSeed.none(), null);
    }

    /**
     * @param settings graph settings under test
     * @param batches one list of raw lines per batch (socket source label); null or empty = empty batch
     * @param archive the archive encoder (output {@code archive}: each partition's compressed entries as
     *     {@code Tuple2<byte[], Long>})
     * @return the harness
     * @throws Exception when the temp checkpoint directory cannot be made
     */
    public static GraphHarness archived(GraphSettings settings, List<List<String>> batches,
            org.hospital.incidents.pipeline.ArchiveEncoder archive) throws Exception {
        return new GraphHarness(batches.stream().map(batch -> batch == null ? List.<byte[]>of()
                : batch.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList()).toList(), settings,
                StateSeed.none(), archive);
    }

    /**
     * @param settings graph settings under test
     * @param batches one list of raw lines per batch (socket source label); null or empty = empty batch
     * @param seed where the state starts (a new checkpoint after an earlier run)
     * @return the harness
     * @throws Exception when the temp checkpoint directory cannot be made
     */
    public static GraphHarness seeded(GraphSettings settings, List<List<String>> batches, StateSeed seed)
            throws Exception {
        return new GraphHarness(batches.stream().map(batch -> batch == null ? List.<byte[]>of()
                : batch.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList()).toList(), settings,
                seed, null);
    }

    /**
     * Graph settings for a harness: the given ones, the shipped allowed lateness (3600 s), and no future-dated check,
     * since the manual clock starts at 1970 while the reports of the tests happen in 2026 (a test of that check
     * builds its own settings).
     *
     * @param batchSeconds batch interval, seconds
     * @param windowSeconds window length, seconds
     * @param slideSeconds slide interval, seconds
     * @param surgeThreshold SURGE threshold
     * @param partitions state partitions
     * @param stateCheckpointSeconds state checkpoint interval, seconds
     * @return the settings
     */
    public static GraphSettings settings(int batchSeconds, int windowSeconds, int slideSeconds, long surgeThreshold,
            int partitions, int stateCheckpointSeconds) {
        return new GraphSettings(batchSeconds, windowSeconds, slideSeconds, surgeThreshold, partitions,
                stateCheckpointSeconds, 3600, Integer.MAX_VALUE);
    }

    /**
     * @param settings graph settings under test
     * @param batches one list of raw lines per batch (socket source label); null or empty = empty batch
     * @param limits the wards' SURGE limits
     * @return the harness
     * @throws Exception when the temp checkpoint directory cannot be made
     */
    public static GraphHarness limited(GraphSettings settings, List<List<String>> batches,
            org.hospital.incidents.pipeline.SurgeLimitsSource limits) throws Exception {
        return new GraphHarness(batches.stream().map(batch -> batch == null ? List.<byte[]>of()
                : batch.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList()).toList(), settings,
                StateSeed.none(), null, limits);
    }

    private GraphHarness(List<List<byte[]>> batches, GraphSettings settings, StateSeed seed,
            org.hospital.incidents.pipeline.ArchiveEncoder archive) throws Exception {
        this(batches, settings, seed, archive, org.hospital.incidents.pipeline.SurgeLimitsSource.threshold(settings));
    }

    private GraphHarness(List<List<byte[]>> batches, GraphSettings settings, StateSeed seed,
            org.hospital.incidents.pipeline.ArchiveEncoder archive,
            org.hospital.incidents.pipeline.SurgeLimitsSource limits) throws Exception {
        this.settings = settings;
        this.checkpoint = Files.createTempDirectory("graph-harness-checkpoint");
        this.localDir = Files.createTempDirectory("graph-harness-local");
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("graph-test")
                .set("spark.local.dir", localDir.toString())
                .set("spark.streaming.clock", "org.apache.spark.util.ManualClock")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1");
        KryoClasses.configure(conf);
        ssc = new JavaStreamingContext(conf, Durations.seconds(settings.batchSeconds()));
        ssc.checkpoint(checkpoint.toString());
        List<List<SourcedLine>> input = new ArrayList<>();
        for (List<byte[]> batch : batches) {
            List<SourcedLine> lines = new ArrayList<>();
            for (byte[] line : batch) {
                lines.add(Utf8Lines.decode(line, line.length, SourcedLine.SOCKET));
            }
            input.add(lines);
        }
        JavaDStream<SourcedLine> stream = JavaTestUtils.attachTestInputStream(ssc, input, 2);
        GraphOutputs outputs = IncidentGraph.build(stream, settings, TestKeys.pseudonymizer(), archive, seed, limits);
        collect(outputs.archive(), "archive");
        collect(outputs.rejected(), "rejected");
        collect(outputs.wardTotals(), "ward-totals");
        collect(outputs.wardWindows(), "ward-windows");
        collect(outputs.criticalAlerts(), "critical-alerts");
        collect(outputs.surgeAlerts(), "surge-alerts");
        collect(outputs.acceptedCounts(), "accepted-counts");
        collect(outputs.review(), "review");
        collect(outputs.requalifications(), "requalifications");
        collect(outputs.amendments(), "amendments");
        collect(outputs.lateCounts(), "late-counts");
        listen();
    }

    private void listen() {
        ssc.addStreamingListener(new StreamingListener() {
            @Override
            public void onBatchCompleted(StreamingListenerBatchCompleted batchCompleted) {
                completedBatches.incrementAndGet();
            }
        });
    }

    /**
     * A driver restart: stops the context (its checkpoint stays) and recovers a new one from the checkpoint, as
     * {@code JavaStreamingContext.getOrCreate} does after a crash. The graph, the outputs' collectors and the input
     * batches come back from the checkpoint; the manual clock restarts at the last checkpoint's time, so batches
     * after it are generated again (Spark's {@code CheckpointSuite} does the same). Continue with
     * {@link #runBatches}.
     */
    public void restartFromCheckpoint() {
        ssc.stop(true, false);
        ssc = new JavaStreamingContext(checkpoint.toString());
        started = false;
        listen();
    }

    /** @return the current batch time of the (manual) clock, epoch millis */
    public long clockTime() {
        return ((ManualClock) ssc.ssc().scheduler().clock()).getTimeMillis();
    }

    private <T> void collect(JavaDStream<T> stream, String name) {
        String id = runId;
        stream.foreachRDD((rdd, time) -> {
            List<Object> records = new ArrayList<>(rdd.collect());
            COLLECTED.computeIfAbsent(id, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new Collected(time.milliseconds(), records));
        });
    }

    /**
     * @param totals one batch's {@code ward-totals} records
     * @return them by ward id
     */
    public static Map<String, WardTotal> byWard(List<WardTotal> totals) {
        return totals.stream().collect(java.util.stream.Collectors.toMap(WardTotal::wardId, t -> t));
    }

    /**
     * Starts the context and runs {@code count} batches, one clock step each.
     *
     * @param count batches to run
     * @throws Exception when a batch does not complete within 60 s
     */
    public void runBatches(int count) throws Exception {
        ManualClock clock = (ManualClock) ssc.ssc().scheduler().clock();
        if (!started) {
            ssc.start();
            started = true;
        }
        long batchMillis = settings.batchSeconds() * 1000L;
        for (int i = 0; i < count; i++) {
            long before = completedBatches.get();
            clock.advance(batchMillis);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (completedBatches.get() <= before) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("batch " + (i + 1) + " did not complete in 60 s");
                }
                Thread.sleep(10);
            }
        }
    }

    /**
     * @param name output name: rejected, ward-totals, ward-windows, critical-alerts, surge-alerts, accepted-counts,
     *     review, requalifications, amendments
     * @param batchTime batch time, millis
     * @param <T> record type
     * @return the records of that output at that batch time (empty if the output had no RDD then)
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> output(String name, long batchTime) {
        for (Collected collected : all(name)) {
            if (collected.batchTime() == batchTime) {
                return (List<T>) (List<?>) collected.records();
            }
        }
        return List.of();
    }

    /**
     * @param name output name
     * @return every batch collected for the output, in batch order
     */
    public List<Collected> all(String name) {
        List<Collected> list = COLLECTED.getOrDefault(runId, Map.of()).getOrDefault(name, List.of());
        synchronized (list) {
            List<Collected> copy = new ArrayList<>(list);
            copy.sort((a, b) -> Long.compare(a.batchTime(), b.batchTime()));
            return copy;
        }
    }

    /**
     * @param batchIndex 0-based batch index
     * @return its batch time in millis
     */
    public long batchTime(int batchIndex) {
        return clockStart + (batchIndex + 1) * settings.batchSeconds() * 1000L;
    }

    /**
     * Sets the manual clock before the first batch, so that batch {@code i} runs at
     * {@code epochMillis + (i + 1) * batchMillis} (tests of rules that compare {@code occurredAt} with the batch time).
     *
     * @param epochMillis a multiple of the batch interval, epoch millis
     * @return this harness
     */
    public GraphHarness startClockAt(long epochMillis) {
        ((ManualClock) ssc.ssc().scheduler().clock()).setTime(epochMillis);
        clockStart = epochMillis;
        return this;
    }

    /** @return the checkpoint directory */
    public Path checkpoint() {
        return checkpoint;
    }

    /** @return Spark's local directory ({@code spark.local.dir}: shuffle files, spilled blocks) */
    public Path localDir() {
        return localDir;
    }

    /** Stops the context and its Spark context, keeping the checkpoint and local directories to inspect. */
    public void stop() {
        ssc.stop(true, false);
    }

    @Override
    public void close() throws Exception {
        ssc.stop(true, false);
        COLLECTED.remove(runId);
        TestFiles.deleteRecursively(checkpoint);
        TestFiles.deleteRecursively(localDir);
    }
}

package org.hospital.incidents.ledger;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.source.Source;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident ledger's size as a metric an operator can watch (docs/DESIGN.md "The incident ledger"):
 * a Spark metrics source {@code incidentLedger} with the gauges {@code entries} (eventIds remembered),
 * {@code estimatedBytes} (the heap one version of it holds, as Spark's memory store is told), {@code storageBytes}
 * (the storage memory of the block managers that run tasks) and {@code measuredAt} (batch time of the count, epoch
 * millis), served with the driver's other metrics by Spark's PrometheusServlet ({@code /metrics/prometheus}, e.g.
 * {@code metrics_hospital_incidents_driver_incidentLedger_entries_Number} with the shipped namespace).
 *
 * <p>It also warns before the ledger outgrows the executors' memory ({@link #memoryWarning}): during a batch Spark
 * caches the version being made while the one it is made from is still being read, and counts each in full
 * (docs/PERFORMANCE.md "The ledger's size"). When the two do not fit, the new version is not cached and the next
 * batch recomputes it from the last state checkpoint, up to ten batches of work every batch: measured on a 2 GB
 * heap with 4.5 million eventIds, 14–17 s a batch instead of 1.4–2 s.
 *
 * <p>The count is one small Spark job (two numbers per ledger bucket), run once per {@code every} interval. Like
 * the accumulators, the source is made lazily once per Spark context on the driver: a metrics source cannot be
 * recovered from a checkpoint.
 */
public final class LedgerMetrics implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerMetrics.class);

    private static LedgerMetrics instance;
    private static SparkContext instanceContext;

    private final MetricRegistry registry = new MetricRegistry();
    private final AtomicLong entries = new AtomicLong(-1);
    private final AtomicLong estimatedBytes = new AtomicLong(-1);
    private final AtomicLong storageBytes = new AtomicLong(-1);
    private final AtomicLong measuredAt = new AtomicLong();
    /** Batch time of the last memory warning, epoch millis; {@link Long#MIN_VALUE} while the ledger fits. */
    private long warnedAt = Long.MIN_VALUE;

    /** How often the memory warning is repeated while it holds, millis. */
    static final long WARN_EVERY_MILLIS = 3_600_000L;

    private LedgerMetrics() {
        registry.register("entries", (Gauge<Long>) entries::get);
        registry.register("estimatedBytes", (Gauge<Long>) estimatedBytes::get);
        registry.register("storageBytes", (Gauge<Long>) storageBytes::get);
        registry.register("measuredAt", (Gauge<Long>) measuredAt::get);
    }

    @Override
    public String sourceName() {
        return "incidentLedger";
    }

    @Override
    public MetricRegistry metricRegistry() {
        return registry;
    }

    /**
     * @param sc the running Spark context (driver side)
     * @return its ledger metrics, registered with Spark's metrics system on first use
     */
    static synchronized LedgerMetrics get(SparkContext sc) {
        if (instance == null || instanceContext != sc) {
            instance = new LedgerMetrics();
            instanceContext = sc;
            SparkEnv.get().metricsSystem().registerSource(instance);
        }
        return instance;
    }

    /**
     * @param sc the running Spark context (driver side)
     * @return the ledger's last measured size {@code {eventIds, estimatedBytes, measuredAt}}, or null before the
     *     first count (or with the ledger off)
     */
    public static synchronized long[] latest(SparkContext sc) {
        if (instance == null || instanceContext != sc || instance.entries.get() < 0) {
            return null;
        }
        return new long[] {instance.entries.get(), instance.estimatedBytes.get(), instance.measuredAt.get()};
    }

    /**
     * Registers the periodic count; call inside the {@code getOrCreate} function, like every output operation.
     *
     * @param ledger the graph's ledger sizes ({@code {entries, estimated bytes}} per bucket), or null when the
     *     ledger is off
     * @param everyMillis how often to count, millis (rounded to batch times)
     * @param batchMillis the batch interval, millis
     */
    public static void watch(JavaDStream<long[]> ledger, long everyMillis, long batchMillis) {
        if (ledger == null) {
            return;
        }
        ledger.foreachRDD((rdd, time) -> {
            if (time.milliseconds() % everyMillis >= batchMillis) {
                return;
            }
            LedgerMetrics metrics = get(rdd.context());
            long[] sizes = rdd.fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            long storage = storageMemory(rdd.context());
            metrics.entries.set(sizes[0]);
            metrics.estimatedBytes.set(sizes[1]);
            metrics.storageBytes.set(storage);
            metrics.measuredAt.set(time.milliseconds());
            LOG.debug("incident ledger: {} entries, {} bytes estimated, at batch {}", sizes[0], sizes[1],
                    time.milliseconds());
            metrics.warnIfOutgrowing(sizes[0], sizes[1], storage, time.milliseconds());
        });
    }

    private synchronized void warnIfOutgrowing(long count, long bytes, long storage, long batchTime) {
        String warning = memoryWarning(count, bytes, storage);
        if (warning == null) {
            if (warnedAt != Long.MIN_VALUE) {
                LOG.info("incident ledger fits the executors' storage memory again: {} entries, {} MB a version, "
                        + "{} MB of storage memory", count, bytes >> 20, storage >> 20);
            }
            warnedAt = Long.MIN_VALUE;
        } else if (warnedAt == Long.MIN_VALUE || batchTime - warnedAt >= WARN_EVERY_MILLIS) {
            LOG.warn(warning);
            warnedAt = batchTime;
        }
    }

    /**
     * The rule behind the warning: two versions of the ledger (the one being made, cached, and the one it is made
     * from, still read) must fit in three quarters of the storage memory, the rest left to the batch's own cached
     * data and to execution, which may take storage memory back down to {@code spark.memory.storageFraction}.
     * Measured (docs/PERFORMANCE.md "The ledger's size"): on a 2 GB heap (1,049 MB of storage memory) the new
     * version stopped being cached with about 450 MB a version, when two made 0.86 of it.
     *
     * @param entries eventIds in the ledger
     * @param ledgerBytes the heap one version holds as Spark is told ({@code LedgerShard.estimatedSize}), bytes
     * @param storageBytes the storage memory of the block managers that run tasks, bytes; 0 when unknown
     * @return the warning, naming what to change; null when the ledger fits
     */
    static String memoryWarning(long entries, long ledgerBytes, long storageBytes) {
        if (storageBytes <= 0 || 2 * ledgerBytes <= storageBytes / 4 * 3) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "incident ledger outgrowing the executors' memory: %,d entries, "
                + "%,d MB a version; a batch needs two versions cached (%,d MB) and the executors have %,d MB of "
                + "storage memory. Past it a new version is not cached and each batch recomputes the ledger from the "
                + "last state checkpoint, several batch intervals a batch. Give the executors more memory "
                + "(spark.executor.memory; in local mode the driver's, INCIDENT_STREAM_HEAP or --driver-memory), or "
                + "shorten dedup-horizon-hours (docs/PERFORMANCE.md \"The ledger's size\")", entries,
                ledgerBytes >> 20, 2 * ledgerBytes >> 20, storageBytes >> 20);
    }

    /**
     * @param sc the running Spark context
     * @return the storage memory (Spark's {@code maxMem}) of the block managers that run tasks, bytes: every one but
     *     the driver's, or the driver's alone in local mode
     */
    private static long storageMemory(SparkContext sc) {
        String driver = SparkEnv.get().blockManager().blockManagerId().hostPort();
        java.util.Map<String, scala.Tuple2<Object, Object>> status = scala.jdk.javaapi.CollectionConverters.asJava(
                sc.getExecutorMemoryStatus());
        long total = 0;
        for (java.util.Map.Entry<String, scala.Tuple2<Object, Object>> e : status.entrySet()) {
            if (status.size() == 1 || !e.getKey().equals(driver)) {
                total += (Long) e.getValue()._1();
            }
        }
        return total;
    }
}

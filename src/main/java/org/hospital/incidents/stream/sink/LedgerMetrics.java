package org.hospital.incidents.stream.sink;

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
 * The incident ledger's size as a metric an operator can watch (docs/DESIGN.md "The incident ledger"; issue 18):
 * a Spark metrics source {@code incidentLedger} with the gauges {@code entries} (eventIds remembered) and
 * {@code measuredAt} (batch time of the count, epoch millis), served with the driver's other metrics by Spark's
 * PrometheusServlet ({@code /metrics/prometheus}, e.g.
 * {@code metrics_hospital_incidents_driver_incidentLedger_entries_Number} with the shipped namespace).
 *
 * <p>The count is one small Spark job (a number per ledger bucket), run once per {@code every} interval. Like the
 * accumulators, the source is made lazily once per Spark context on the driver: a metrics source cannot be recovered
 * from a checkpoint.
 */
public final class LedgerMetrics implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerMetrics.class);

    private static LedgerMetrics instance;
    private static SparkContext instanceContext;

    private final MetricRegistry registry = new MetricRegistry();
    private final AtomicLong entries = new AtomicLong(-1);
    private final AtomicLong measuredAt = new AtomicLong();

    private LedgerMetrics() {
        registry.register("entries", (Gauge<Long>) entries::get);
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
     * Registers the periodic count; call inside the {@code getOrCreate} function, like every output operation.
     *
     * @param ledger the graph's ledger sizes (entries per bucket), or null when the ledger is off
     * @param everyMillis how often to count, millis (rounded to batch times)
     * @param batchMillis the batch interval, millis
     */
    public static void watch(JavaDStream<Long> ledger, long everyMillis, long batchMillis) {
        if (ledger == null) {
            return;
        }
        ledger.foreachRDD((rdd, time) -> {
            if (time.milliseconds() % everyMillis >= batchMillis) {
                return;
            }
            LedgerMetrics metrics = get(rdd.context());
            long count = rdd.fold(0L, Long::sum);
            metrics.entries.set(count);
            metrics.measuredAt.set(time.milliseconds());
            LOG.debug("incident ledger: {} entries at batch {}", count, time.milliseconds());
        });
    }
}

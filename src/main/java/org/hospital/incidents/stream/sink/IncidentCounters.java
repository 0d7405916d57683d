package org.hospital.incidents.stream.sink;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators that show the job's running counts in the Spark UI (stage pages of the output jobs, DESIGN.md
 * "metrics"): reports accepted and rejected, CRITICAL and SURGE alerts, re-qualifications applied.
 *
 * <p>Accumulators cannot be recovered from a checkpoint (Spark streaming guide, "Accumulators, Broadcast Variables,
 * and Checkpoints"), so they are made lazily, once per Spark context, on the driver when a batch's output runs, and
 * handed to that batch's write tasks; never captured in the checkpointed graph. They are added to in those tasks, so
 * a task retried or a batch re-run after a restart adds again: UI figures for an operator since the driver started,
 * not the record. The exact counts are the outputs ({@code ward-totals}, {@code alerts/}, {@code rejected/}).
 */
public final class IncidentCounters implements Serializable {

    private static final long serialVersionUID = 1L;

    private static IncidentCounters instance;
    private static SparkContext instanceContext;

    private final LongAccumulator accepted;
    private final LongAccumulator rejected;
    private final LongAccumulator critical;
    private final LongAccumulator surge;
    private final LongAccumulator requalified;

    private IncidentCounters(SparkContext sc) {
        accepted = sc.longAccumulator("incident reports accepted");
        rejected = sc.longAccumulator("incident reports rejected");
        critical = sc.longAccumulator("CRITICAL alerts");
        surge = sc.longAccumulator("SURGE alerts");
        requalified = sc.longAccumulator("re-qualifications applied");
    }

    /**
     * @param sc the running Spark context (driver side)
     * @return its counters, made on first use
     */
    public static synchronized IncidentCounters get(SparkContext sc) {
        if (instance == null || instanceContext != sc) {
            instance = new IncidentCounters(sc);
            instanceContext = sc;
        }
        return instance;
    }

    /**
     * Adds one write task's counts (called in the task).
     *
     * @param counts records per output, indexed by {@link BatchOutcomes.Output#ordinal()}
     */
    void add(long[] counts) {
        accepted.add(counts[BatchOutcomes.Output.INCIDENTS.ordinal()]);
        rejected.add(counts[BatchOutcomes.Output.REJECTED.ordinal()]);
        critical.add(counts[BatchOutcomes.Output.CRITICAL_ALERTS.ordinal()]);
        surge.add(counts[BatchOutcomes.Output.SURGE_ALERTS.ordinal()]);
        requalified.add(counts[BatchOutcomes.Output.REQUALIFICATIONS.ordinal()]);
    }

    /** @return reports accepted so far (driver side) */
    public long accepted() {
        return accepted.value();
    }
}

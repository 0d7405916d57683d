package org.hospital.incidents.pipeline;

import org.hospital.incidents.ledger.LedgerSeed;

import java.io.Serializable;
import java.util.Map;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.WardState;

/**
 * Where a new checkpoint's state starts from (docs/DESIGN.md "Restarts and upgrades"): each ward's running counts
 * as its latest {@code ward-totals} line gave them, and the incident ledger as the archive gave it (the same rule
 * replayed over the archive's entries within the horizon). Written into the graph, hence into every checkpoint: the
 * ward map is small (one entry per ward), and the ledger seed says where its entries are, never holds them.
 *
 * <p>Why not {@code updateStateByKey}'s initial RDD or {@code StateSpec.initialState}: an RDD referenced by the
 * graph is serialized into the checkpoint without its SparkContext, and a driver restarted before the state's
 * first checkpoint would have to recompute from it ("This RDD lacks a SparkContext", SPARK-13758).
 *
 * <p>The event-time windows carry on too (docs/DESIGN.md "Surges in event time"): the clock the first batch is
 * judged by is the largest {@code lastOccurredAt} of the seeded wards ({@link #clockMillis()}), and each ward's
 * windows still open under that clock start from the ledger's reports in them ({@code windows}), so a burst that
 * spans the new checkpoint still reaches its ward's limit, and a window already at it does not page again.
 *
 * @param wards ward id to the counts it starts from, possibly empty
 * @param ledger the ledger's entries from before the new checkpoint, or null for none
 * @param dedupHorizonHours how long an eventId is remembered, hours; 0 = no ledger
 * @param windows ward id to its reports by event-time bucket in the windows still open under
 *     {@link #clockMillis()} (a few dozen buckets a ward), possibly empty; null (a graph checkpointed by an older
 *     build) reads as empty
 */
public record StateSeed(Map<String, WardState> wards, LedgerSeed ledger, int dedupHorizonHours,
        Map<String, EventBuckets> windows) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default of config key {@code dedup-horizon-hours}: one week. */
    public static final int DEFAULT_DEDUP_HORIZON_HOURS = 168;

    /** Copies the maps so the seed stays immutable. */
    public StateSeed {
        wards = Map.copyOf(wards);
        windows = windows == null ? Map.of() : Map.copyOf(windows);
    }

    /**
     * A seed whose windows start empty.
     *
     * @param wards ward id to the counts it starts from, possibly empty
     * @param ledger the ledger's entries from before the new checkpoint, or null for none
     * @param dedupHorizonHours how long an eventId is remembered, hours; 0 = no ledger
     */
    public StateSeed(Map<String, WardState> wards, LedgerSeed ledger, int dedupHorizonHours) {
        this(wards, ledger, dedupHorizonHours, Map.of());
    }

    /** @return no ward counts, an empty ledger, the default horizon: a first start */
    public static StateSeed none() {
        return new StateSeed(Map.of(), null, DEFAULT_DEDUP_HORIZON_HOURS);
    }

    /**
     * @return the event-time clock before the first batch: the largest {@code lastOccurredAt} of the seeded wards,
     *     epoch millis, or {@link Long#MIN_VALUE} when no ward is seeded (nothing is late in the first batch)
     */
    public long clockMillis() {
        return clockOf(wards);
    }

    /**
     * @param wards ward id to the counts it starts from
     * @return the largest {@code lastOccurredAt} among them, epoch millis, or {@link Long#MIN_VALUE} for none
     */
    public static long clockOf(Map<String, WardState> wards) {
        long clock = Long.MIN_VALUE;
        for (WardState ward : wards.values()) {
            clock = Math.max(clock, ward.lastOccurredAtMillis());
        }
        return clock;
    }

    /** @return the horizon, millis */
    public long dedupHorizonMillis() {
        return dedupHorizonHours * 3_600_000L;
    }
}

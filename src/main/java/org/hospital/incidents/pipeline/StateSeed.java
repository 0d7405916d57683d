package org.hospital.incidents.pipeline;

import java.io.Serializable;
import java.util.Map;
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
 * @param wards ward id to the counts it starts from, possibly empty
 * @param ledger the ledger's entries from before the new checkpoint, or null for none
 * @param dedupHorizonHours how long an eventId is remembered, hours; 0 = no ledger
 */
public record StateSeed(Map<String, WardState> wards, LedgerSeed ledger, int dedupHorizonHours)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default of config key {@code dedup-horizon-hours}: one week. */
    public static final int DEFAULT_DEDUP_HORIZON_HOURS = 168;

    /** Copies the ward map so the seed stays immutable. */
    public StateSeed {
        wards = Map.copyOf(wards);
    }

    /** @return no ward counts, an empty ledger, the default horizon: a first start */
    public static StateSeed none() {
        return new StateSeed(Map.of(), null, DEFAULT_DEDUP_HORIZON_HOURS);
    }

    /** @return the horizon, millis */
    public long dedupHorizonMillis() {
        return dedupHorizonHours * 3_600_000L;
    }
}

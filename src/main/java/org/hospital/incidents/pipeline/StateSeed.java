package org.hospital.incidents.pipeline;

import java.io.Serializable;
import java.util.Map;
import org.hospital.incidents.model.WardRecord;

/**
 * Where a new checkpoint's state starts from (DESIGN.md "Restarts and upgrades"): each ward's running totals as
 * its latest {@code ward-totals} line gave them and the eventIds re-qualified in it (the {@code requalifications}
 * output), and the eventIds already counted within the duplicate horizon as
 * the archive gave them. Written into the graph, hence into every checkpoint: the ward map is small (one entry
 * per ward, plus the re-qualified eventIds), and the eventIds are a folder path, never the ids themselves.
 *
 * <p>Why not {@code updateStateByKey}'s initial RDD or {@code StateSpec.initialState}: an RDD referenced by the
 * graph is serialized into the checkpoint without its SparkContext, and a driver restarted before the state's
 * first checkpoint would have to recompute from it ("This RDD lacks a SparkContext", SPARK-13758).
 *
 * @param wards ward id to the record it starts from (totals and re-qualified eventIds), possibly empty
 * @param seenEventIds folder of the duplicate memory's seed files ({@link DuplicateCheck}), or null for none
 * @param dedupHorizonHours how long an eventId is remembered, hours; 0 = no duplicate check
 */
public record StateSeed(Map<String, WardRecord> wards, String seenEventIds, int dedupHorizonHours)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default of config key {@code dedup-horizon-hours}: one week. */
    public static final int DEFAULT_DEDUP_HORIZON_HOURS = 168;

    /** Copies the ward map so the seed stays immutable. */
    public StateSeed {
        wards = Map.copyOf(wards);
    }

    /** @return no ward totals, no remembered eventIds, the default horizon: a first start */
    public static StateSeed none() {
        return new StateSeed(Map.of(), null, DEFAULT_DEDUP_HORIZON_HOURS);
    }

    /** @return the duplicate horizon, epoch millis */
    public long dedupHorizonMillis() {
        return dedupHorizonHours * 3_600_000L;
    }
}

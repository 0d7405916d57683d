package org.hospital.incidents.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardRecord;

/**
 * The {@code updateStateByKey} function that keeps each ward's running state since the stream began.
 *
 * <p>Shape: {@code (this batch's changes for one ward, previous record) -> new record}. Changes are the batch's
 * counts of counted reports and its re-qualifications ({@link WardRecord#apply}). A ward met for the first time in
 * this checkpoint starts from its seed ({@link StateSeed#wards()}: its latest {@code ward-totals} line and the
 * eventIds re-qualified in it) rather than from zero. A ward's record is never removed (its total is "since the
 * first batch", DESIGN.md). The record's totals are marked {@link
 * org.hospital.incidents.model.WardState#changedInBatch() changed} exactly when the batch changed them, so the
 * graph writes only changed wards to {@code ward-totals}.
 */
public final class WardStateUpdate
        implements Function2<List<WardChange>, Optional<WardRecord>, Optional<WardRecord>> {

    private static final long serialVersionUID = 1L;

    private final Map<String, WardRecord> seeds;

    /** A first start: every ward from zero. */
    public WardStateUpdate() {
        this(Map.of());
    }

    /** @param seeds ward id to the record it starts from in this checkpoint */
    public WardStateUpdate(Map<String, WardRecord> seeds) {
        this.seeds = Map.copyOf(seeds);
    }

    @Override
    public Optional<WardRecord> call(List<WardChange> batchValues, Optional<WardRecord> previous) {
        WardRecord record;
        if (previous.isPresent()) {
            record = previous.get().nextBatch();
        } else if (batchValues.isEmpty()) {
            record = WardRecord.empty();
        } else {
            record = seeds.getOrDefault(batchValues.get(0).wardId(), WardRecord.empty()).nextBatch();
        }
        return Optional.of(batchValues.isEmpty() ? record : record.apply(batchValues));
    }
}

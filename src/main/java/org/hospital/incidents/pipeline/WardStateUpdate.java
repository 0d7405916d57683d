package org.hospital.incidents.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;

/**
 * The {@code updateStateByKey} function that keeps each ward's running counts since the stream began.
 *
 * <p>Shape: {@code (this batch's changes for one ward, previous counts) -> new counts}. Changes are the ledger's
 * ({@link WardChanges}): reports counted, amendments, re-qualifications. A ward met for the first time in this
 * checkpoint starts from its seed ({@link StateSeed#wards()}: its latest {@code ward-totals} line) rather than from
 * zero. A ward's counts are never removed (its total is "since the first batch", docs/DESIGN.md). The counts are
 * marked {@link WardState#changedInBatch() changed} exactly when the batch changed them, so the graph writes only
 * changed wards to {@code ward-totals}.
 */
public final class WardStateUpdate
        implements Function2<List<WardChange>, Optional<WardState>, Optional<WardState>> {

    private static final long serialVersionUID = 1L;

    private final Map<String, WardState> seeds;

    /** A first start: every ward from zero. */
    public WardStateUpdate() {
        this(Map.of());
    }

    /** @param seeds ward id to the counts it starts from in this checkpoint */
    public WardStateUpdate(Map<String, WardState> seeds) {
        this.seeds = Map.copyOf(seeds);
    }

    @Override
    public Optional<WardState> call(List<WardChange> batchValues, Optional<WardState> previous) {
        WardState state;
        if (previous.isPresent()) {
            state = previous.get().withChanged(false);
        } else if (batchValues.isEmpty()) {
            state = WardState.empty();
        } else {
            state = seeds.getOrDefault(batchValues.get(0).wardId(), WardState.empty()).withChanged(false);
        }
        for (WardChange change : batchValues) {
            state = state.plus(change.delta());
        }
        return Optional.of(state);
    }
}

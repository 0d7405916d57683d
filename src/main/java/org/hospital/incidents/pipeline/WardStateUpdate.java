package org.hospital.incidents.pipeline;

import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.WardState;

/**
 * The {@code updateStateByKey} function that keeps each ward's running counts since the stream began.
 *
 * <p>Shape: {@code (this batch's per-incident states for one ward, previous state) -> new state}. A ward's state
 * is never removed (its total is "since the first batch", DESIGN.md). The returned state is marked
 * {@link WardState#changedInBatch() changed} exactly when the batch carried incidents for the ward, so the
 * graph writes only changed wards to {@code ward-totals}.
 */
public final class WardStateUpdate implements Function2<List<WardState>, Optional<WardState>, Optional<WardState>> {

    private static final long serialVersionUID = 1L;

    @Override
    public Optional<WardState> call(List<WardState> batchValues, Optional<WardState> previous) {
        WardState state = previous.orElse(WardState.empty()).withChanged(false);
        for (WardState value : batchValues) {
            state = state.plus(value);
        }
        return Optional.of(state.withChanged(!batchValues.isEmpty()));
    }
}

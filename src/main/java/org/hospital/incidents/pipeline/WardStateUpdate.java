package org.hospital.incidents.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.WardState;
import scala.Tuple2;

/**
 * The {@code updateStateByKey} function that keeps each ward's running counts since the stream began.
 *
 * <p>Shape: {@code (this batch's (wardId, counts) values for one ward, previous state) -> new state}. The values
 * repeat the ward id because Spark's Java {@code updateStateByKey} does not pass the key, and a ward met for the
 * first time in this checkpoint starts from its seed ({@link StateSeed#wards()}, its latest {@code ward-totals}
 * line) rather than from zero. A ward's state is never removed (its total is "since the first batch", DESIGN.md).
 * The returned state is marked {@link WardState#changedInBatch() changed} exactly when the batch carried incidents
 * for the ward, so the graph writes only changed wards to {@code ward-totals}.
 */
public final class WardStateUpdate
        implements Function2<List<Tuple2<String, WardState>>, Optional<WardState>, Optional<WardState>> {

    private static final long serialVersionUID = 1L;

    private final Map<String, WardState> seeds;

    /** A first start: every ward from zero. */
    public WardStateUpdate() {
        this(Map.of());
    }

    /** @param seeds ward id to the running totals it starts from in this checkpoint */
    public WardStateUpdate(Map<String, WardState> seeds) {
        this.seeds = Map.copyOf(seeds);
    }

    @Override
    public Optional<WardState> call(List<Tuple2<String, WardState>> batchValues, Optional<WardState> previous) {
        WardState state;
        if (previous.isPresent()) {
            state = previous.get().withChanged(false);
        } else if (batchValues.isEmpty()) {
            state = WardState.empty();
        } else {
            state = seeds.getOrDefault(batchValues.get(0)._1(), WardState.empty()).withChanged(false);
        }
        for (Tuple2<String, WardState> value : batchValues) {
            state = state.plus(value._2());
        }
        return Optional.of(state.withChanged(!batchValues.isEmpty()));
    }
}

package org.hospital.incidents.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardStatus;

/**
 * The {@code updateStateByKey} function that keeps each ward's state: running counts since the stream began and
 * event-time windows ({@link EventTimeRule}).
 *
 * <p>Shape: {@code (this batch's changes for one ward, previous state) -> new state}. Changes are the ledger's
 * ({@link WardChanges}): reports counted, amendments, re-qualifications, late reports. A ward met for the first time
 * in this checkpoint starts from its seed ({@link StateSeed#wards()}: its latest {@code ward-totals} line) rather
 * than from zero, and its open windows from the reports the seed gives for them ({@link StateSeed#windows()},
 * {@link EventTimeRule#seeded}). A ward is never removed (its total is "since the first batch",
 * docs/DESIGN.md). The counts are marked {@link WardState#changedInBatch() changed} exactly when the batch changed
 * them, so the graph writes only changed wards to {@code ward-totals}.
 */
public final class WardStateUpdate
        implements Function2<List<WardChange>, Optional<WardStatus>, Optional<WardStatus>> {

    private static final long serialVersionUID = 1L;

    private final Map<String, WardState> seeds;
    private final Map<String, EventBuckets> windows;
    private final EventTimeRule rule;

    /**
     * @param seeds ward id to the counts it starts from in this checkpoint
     * @param windows ward id to its open windows' reports from before this checkpoint
     * @param rule the event-time window and SURGE rule
     */
    public WardStateUpdate(Map<String, WardState> seeds, Map<String, EventBuckets> windows, EventTimeRule rule) {
        this.seeds = Map.copyOf(seeds);
        this.windows = Map.copyOf(windows);
        this.rule = rule;
    }

    @Override
    public Optional<WardStatus> call(List<WardChange> batchValues, Optional<WardStatus> previous) {
        WardStatus state;
        if (previous.isPresent()) {
            state = previous.get();
        } else if (batchValues.isEmpty()) {
            return Optional.empty();
        } else {
            WardChange first = batchValues.get(0);
            state = rule.seeded(seeds.getOrDefault(first.wardId(), WardState.empty()),
                    windows.getOrDefault(first.wardId(), EventBuckets.empty()), first.limits());
        }
        if (batchValues.isEmpty()) {
            return Optional.of(state.quiet());
        }
        WardChange change = batchValues.get(0);
        for (int i = 1; i < batchValues.size(); i++) {
            change = change.plus(batchValues.get(i));
        }
        return Optional.of(rule.apply(state, change));
    }
}

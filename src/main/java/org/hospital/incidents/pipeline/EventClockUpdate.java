package org.hospital.incidents.pipeline;

import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.model.EventClock;

/**
 * The {@code updateStateByKey} function of the stream's event-time clock ({@link EventClock}), kept under one key:
 * {@code (the batch's largest occurredAt per partition, previous clock) -> clock after the batch}. Runs every batch,
 * also without reports, so that {@link EventClock#before()} is always the clock as it stood before the batch.
 */
public final class EventClockUpdate implements Function2<List<Long>, Optional<EventClock>, Optional<EventClock>> {

    private static final long serialVersionUID = 1L;

    /** The one key the clock is kept under. */
    static final String KEY = "event-clock";

    @Override
    public Optional<EventClock> call(List<Long> batchMax, Optional<EventClock> previous) {
        long max = Long.MIN_VALUE;
        for (long value : batchMax) {
            max = Math.max(max, value);
        }
        return Optional.of(previous.orElse(EventClock.START).advance(max));
    }
}

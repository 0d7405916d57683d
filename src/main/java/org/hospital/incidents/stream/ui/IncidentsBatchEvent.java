package org.hospital.incidents.stream.ui;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.spark.scheduler.SparkListenerEvent;

/**
 * One batch's figures for the Incidents tab, posted on Spark's listener bus by {@link IncidentsFeed}. With
 * {@code spark.eventLog.enabled} Spark writes it to the event log like its own events (as JSON through Jackson, the
 * class named in its {@code Event} member), and the History Server replays it into the tab after the run
 * ({@link IncidentsHistoryPlugin}).
 *
 * <p>The figures are one JSON object (members: {@link ConsoleFigures#apply}); an event without {@code batchTime} is
 * the start-up snapshot of the wards' latest lines. No patient data.
 */
public final class IncidentsBatchEvent implements SparkListenerEvent {

    private final String figures;

    /** @param figures the batch's figures, one JSON object */
    @JsonCreator
    public IncidentsBatchEvent(@JsonProperty("figures") String figures) {
        this.figures = figures;
    }

    /** @return the batch's figures, one JSON object */
    @JsonProperty("figures")
    public String getFigures() {
        return figures;
    }
}

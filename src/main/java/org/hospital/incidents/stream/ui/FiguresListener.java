package org.hospital.incidents.stream.ui;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each {@link IncidentsBatchEvent} to the tab's figures: on the live driver's listener bus, and in the History
 * Server's replay of an event log.
 */
public class FiguresListener extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(FiguresListener.class);

    private final ConsoleFigures figures;

    /** @param figures the figures to keep up to date */
    public FiguresListener(ConsoleFigures figures) {
        this.figures = figures;
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof IncidentsBatchEvent batch) {
            try {
                figures.apply(batch.getFigures());
            } catch (RuntimeException e) {
                // An event the figures cannot read (a log of another build) must not stop Spark's listener thread.
                LOG.warn("Incidents tab: figures not applied: {}", e.toString());
            }
        }
    }
}

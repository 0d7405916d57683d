package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * An event-time window that raises a SURGE alert (docs/DESIGN.md "Surges in event time"), kept in the ward's
 * state for the batch that decided it; the alert itself is made with the batch time.
 *
 * @param window the ward's window and its counts
 * @param limit the ward's limit for the window
 * @param limitSource {@code threshold} or {@code history <from>..<to>}
 */
public record SurgeWindow(WardWindow window, long limit, String limitSource) implements Serializable {

    private static final long serialVersionUID = 1L;
}

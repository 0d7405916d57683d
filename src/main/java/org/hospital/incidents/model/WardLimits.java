package org.hospital.incidents.model;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * One ward's SURGE limit per hour of the week (docs/DESIGN.md "Surges in event time, against each ward's own
 * limit"): the limit learnt from history for the hour a window starts in, or the global {@code --surge-threshold}
 * for a ward, or an hour, without one.
 *
 * <p>Hours are those of the zone the limits were computed in ({@code bin/incident-analytics --time-zone}); index
 * {@code (weekday - 1) * 24 + hour}, weekday 1 = Monday (ISO-8601).
 */
public final class WardLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Hours in a week: the length of a limits table. */
    public static final int HOURS_OF_WEEK = 7 * 24;

    /** {@code limitSource} of the global threshold. */
    public static final String THRESHOLD = "threshold";

    private final long threshold;
    private final long[] byHourOfWeek;
    private final String source;
    private final String zone;
    private transient ZoneId zoneId;

    private WardLimits(long threshold, long[] byHourOfWeek, String source, String zone) {
        this.threshold = threshold;
        this.byHourOfWeek = byHourOfWeek;
        this.source = source;
        this.zone = zone;
    }

    /**
     * @param threshold the global {@code --surge-threshold} (>= 1)
     * @return limits that are the threshold at every hour
     */
    public static WardLimits threshold(long threshold) {
        return new WardLimits(threshold, null, THRESHOLD, "UTC");
    }

    /**
     * @param threshold the global threshold, used at hours without a limit
     * @param byHourOfWeek {@value #HOURS_OF_WEEK} limits; 0 = none learnt for that hour; copied
     * @param source {@code history <from>..<to>}
     * @param zone zone id the hours are in
     * @return the limits
     * @throws IllegalArgumentException when the table has the wrong length
     */
    public static WardLimits history(long threshold, long[] byHourOfWeek, String source, String zone) {
        if (byHourOfWeek.length != HOURS_OF_WEEK) {
            throw new IllegalArgumentException("one limit per hour of the week expected, got " + byHourOfWeek.length);
        }
        return new WardLimits(threshold, byHourOfWeek.clone(), source, zone);
    }

    /**
     * @param dayOfWeek a weekday
     * @param hour 0-23
     * @return the index of that hour in a limits table
     */
    public static int hourOfWeek(DayOfWeek dayOfWeek, int hour) {
        return (dayOfWeek.getValue() - 1) * 24 + hour;
    }

    private int hourOfWeek(long windowStartMillis) {
        if (zoneId == null) {
            zoneId = ZoneId.of(zone);
        }
        ZonedDateTime start = Instant.ofEpochMilli(windowStartMillis).atZone(zoneId);
        return hourOfWeek(start.getDayOfWeek(), start.getHour());
    }

    /**
     * @param windowStartMillis an event-time window's start, epoch millis
     * @return the number of incidents in that window that makes a SURGE for this ward
     */
    public long limit(long windowStartMillis) {
        if (byHourOfWeek != null) {
            long learnt = byHourOfWeek[hourOfWeek(windowStartMillis)];
            if (learnt > 0) {
                return learnt;
            }
        }
        return threshold;
    }

    /**
     * @param windowStartMillis an event-time window's start, epoch millis
     * @return where {@link #limit} comes from: {@code threshold} or {@code history <from>..<to>}
     */
    public String source(long windowStartMillis) {
        return byHourOfWeek != null && byHourOfWeek[hourOfWeek(windowStartMillis)] > 0 ? source : THRESHOLD;
    }

    /** @return true when some hour has a limit learnt from history */
    public boolean fromHistory() {
        return byHourOfWeek != null;
    }
}

package org.hospital.incidents.support;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Formats epoch millis exactly as {@link Instant#toString()} does (ISO-8601 UTC, {@code 2026-11-21T08:00:05Z}, a
 * {@code .SSS} fraction only when the millis are not whole seconds), without {@code DateTimeFormatter}.
 *
 * <p>Why: a backlog writes about two {@code ward-windows} lines per report, each with two instants, and {@code
 * Instant.toString} (a {@code DateTimeFormatter} walk per call) stood out in a JFR recording of a backlog
 * (docs/PERFORMANCE.md "Why the code is shaped this way"). Values outside years
 * 1000-9999 go to {@code Instant.toString} itself, so the output is the same for every input.
 */
public final class IsoInstants {

    /** 1000-01-01T00:00:00Z and 10000-01-01T00:00:00Z, epoch millis: four-digit years, no sign. */
    private static final long MIN_MILLIS = -30_610_224_000_000L;
    private static final long MAX_MILLIS = 253_402_300_800_000L;
    private static final long DAY_MILLIS = 86_400_000L;

    private IsoInstants() {
    }

    /**
     * @param epochMillis an instant, epoch millis
     * @return the text {@code Instant.ofEpochMilli(epochMillis).toString()} returns
     */
    public static String format(long epochMillis) {
        if (epochMillis < MIN_MILLIS || epochMillis >= MAX_MILLIS) {
            return Instant.ofEpochMilli(epochMillis).toString();
        }
        StringBuilder text = new StringBuilder(24);
        appendTo(text, epochMillis);
        return text.toString();
    }

    /**
     * Appends the text of {@link #format} to {@code text}.
     *
     * @param text where to append
     * @param epochMillis an instant, epoch millis
     * @return {@code text}
     */
    public static StringBuilder appendTo(StringBuilder text, long epochMillis) {
        if (epochMillis < MIN_MILLIS || epochMillis >= MAX_MILLIS) {
            return text.append(Instant.ofEpochMilli(epochMillis));
        }
        long day = Math.floorDiv(epochMillis, DAY_MILLIS);
        int millisOfDay = (int) Math.floorMod(epochMillis, DAY_MILLIS);
        LocalDate date = LocalDate.ofEpochDay(day);
        int seconds = millisOfDay / 1000;
        int millis = millisOfDay % 1000;
        text.append(date.getYear()).append('-');
        two(text, date.getMonthValue()).append('-');
        two(text, date.getDayOfMonth()).append('T');
        two(text, seconds / 3600).append(':');
        two(text, seconds / 60 % 60).append(':');
        two(text, seconds % 60);
        if (millis != 0) {
            text.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
        }
        return text.append('Z');
    }

    private static StringBuilder two(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * A line that could not be accepted, kept with the reason (DESIGN.md {@code rejected} output).
 *
 * @param reason one sentence naming the field and the rule broken, e.g. {@code "missing required field 'wardId'"}
 * @param line the offending line, cut to {@link #MAX_LINE_CHARS} characters
 * @param source where the line came from, see {@link SourcedLine#source()}
 * @param batchTime batch time in epoch milliseconds
 */
public record Rejection(String reason, String line, String source, long batchTime) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Longest line kept in a rejection, in characters (DESIGN.md). */
    public static final int MAX_LINE_CHARS = 10_000;

    /**
     * Builds a rejection, cutting the line to {@link #MAX_LINE_CHARS} characters.
     *
     * @param reason why the line was rejected
     * @param line the raw line, any length
     * @param source where it came from
     * @param batchTime batch time, epoch millis
     * @return the rejection
     */
    public static Rejection of(String reason, String line, String source, long batchTime) {
        String kept = line;
        if (kept != null && kept.length() > MAX_LINE_CHARS) {
            int end = MAX_LINE_CHARS;
            // Never split a surrogate pair: the cut line must stay valid UTF-16 (and so valid UTF-8 on disk).
            if (Character.isHighSurrogate(kept.charAt(end - 1))) {
                end--;
            }
            kept = kept.substring(0, end);
        }
        return new Rejection(reason, kept, source, batchTime);
    }

    /** Redacts the line: it may hold patient data. */
    @Override
    public String toString() {
        return "Rejection[reason=" + reason + ", source=" + source + ", batchTime=" + batchTime + "]";
    }
}

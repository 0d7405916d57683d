package org.hospital.incidents.stream.ui;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Groups rejection reasons for the Incidents tab's "rejected lines of the last hour by reason": a reason names the
 * value it refused ({@code unknown harmLevel 'x'}, {@code duplicate eventId (first seen 1796…)}, {@code eventId E-1 is
 * in ward ICU-2}), so counting raw reasons would give every line a row of its own. The values are replaced by
 * {@code …}, so lines rejected for the same rule count together.
 */
public final class RejectionReasons {

    /** Distinct reasons kept per batch and on the tab; the rest are counted under {@link #OTHER}. */
    public static final int MAX_REASONS = 40;

    /** The row of the reasons beyond {@link #MAX_REASONS}. */
    public static final String OTHER = "(other reasons)";

    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final Pattern AFTER_NOUN = Pattern.compile(
            "\\b(eventId|ward|occurredAt|status|classified as) [^\\s(]\\S*");
    private static final Pattern NUMBERS = Pattern.compile("\\d[\\d.:TZ+-]*");
    private static final int MAX_CHARS = 120;

    private RejectionReasons() {
    }

    /**
     * @param reason a rejection reason as written in {@code rejected/}
     * @return its rule: quoted values, the word after {@code eventId}, {@code ward}, {@code occurredAt},
     *     {@code status} and {@code classified as}, and numbers replaced by {@code …}; at most 120 characters
     */
    public static String kind(String reason) {
        if (reason == null) {
            return "(no reason)";
        }
        String kind = QUOTED.matcher(reason).replaceAll("…");
        kind = AFTER_NOUN.matcher(kind).replaceAll("$1 …");
        kind = NUMBERS.matcher(kind).replaceAll("…");
        return kind.length() <= MAX_CHARS ? kind : kind.substring(0, MAX_CHARS) + "…";
    }

    /**
     * Folds the smallest reasons into {@link #OTHER} until at most {@link #MAX_REASONS} remain.
     *
     * @param counts reason → lines, changed in place
     */
    public static void cap(Map<String, Long> counts) {
        while (counts.size() > MAX_REASONS) {
            String smallest = null;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                if (!e.getKey().equals(OTHER) && (smallest == null || e.getValue() < counts.get(smallest))) {
                    smallest = e.getKey();
                }
            }
            counts.merge(OTHER, counts.remove(smallest), Long::sum);
        }
    }
}

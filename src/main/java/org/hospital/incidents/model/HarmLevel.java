package org.hospital.incidents.model;

import java.util.Optional;

/**
 * Harm level of a patient-safety event, after the AHRQ Common Formats (Hospital v1.2) harm scale.
 *
 * <p>The wire codes ({@link #code()}) are fixed by DESIGN.md; a record carrying any other value is
 * rejected by the parser. {@link #isCritical()} encodes the CRITICAL alert rule: death and severe harm.
 */
public enum HarmLevel {
    /** Death, caused by the event. */
    DEATH("death"),
    /** Severe harm: bodily or psychological injury that interferes significantly with functional ability. */
    SEVERE("severe"),
    /** Moderate harm. */
    MODERATE("moderate"),
    /** Mild harm: minimal symptoms or loss of function. */
    MILD("mild"),
    /** No harm: the event reached the patient but caused no harm (or a near miss that never reached them). */
    NONE("none"),
    /** The reporter could not determine the harm. */
    UNKNOWN("unknown");

    private final String code;

    HarmLevel(String code) {
        this.code = code;
    }

    /** @return the lower-case wire code, e.g. {@code "severe"} */
    public String code() {
        return code;
    }

    /**
     * @return true for {@link #DEATH} and {@link #SEVERE}: the events that raise an immediate CRITICAL alert
     *     (DESIGN.md, "every incident that caused severe harm or death")
     */
    public boolean isCritical() {
        return this == DEATH || this == SEVERE;
    }

    /**
     * Looks a wire code up exactly (case-sensitive, no trimming: the codes are a closed vocabulary).
     *
     * @param code the value of the {@code harmLevel} field
     * @return the level, or empty when the code is not one of the six
     */
    public static Optional<HarmLevel> fromCode(String code) {
        for (HarmLevel level : values()) {
            if (level.code.equals(code)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}

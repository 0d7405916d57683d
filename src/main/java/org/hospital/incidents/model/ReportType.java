package org.hospital.incidents.model;

import java.util.Optional;

/**
 * Type of a patient-safety report, after the AHRQ Common Formats (Hospital v1.2) definitions.
 *
 * <ul>
 *   <li>{@link #INCIDENT}: a patient-safety event that reached the patient, whether or not there was harm;
 *   <li>{@link #NEAR_MISS}: an event that did not reach the patient;
 *   <li>{@link #UNSAFE_CONDITION}: a circumstance that increases the probability of a patient-safety event.
 * </ul>
 * All three count in a ward's running totals: each is a report the safety team must review.
 */
public enum ReportType {
    /** The default when the field is absent. */
    INCIDENT("incident"),
    /** Did not reach the patient. */
    NEAR_MISS("near_miss"),
    /** A hazard, no patient involved yet. */
    UNSAFE_CONDITION("unsafe_condition");

    private final String code;

    ReportType(String code) {
        this.code = code;
    }

    /** @return the lower-case wire code */
    public String code() {
        return code;
    }

    /**
     * @param code the value of the {@code reportType} field
     * @return the type for an exact code, empty otherwise
     */
    public static Optional<ReportType> fromCode(String code) {
        for (ReportType type : values()) {
            if (type.code.equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}

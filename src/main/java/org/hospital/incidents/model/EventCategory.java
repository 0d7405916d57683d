package org.hospital.incidents.model;

/**
 * Event category of a patient-safety report, after the AHRQ Common Formats (Hospital v1.2) event-specific
 * modules, plus {@link #UNCLASSIFIED} for a report whose category is absent, empty or not one of these.
 *
 * <p>An unknown category never rejects a report (DESIGN.md): the incident still counts for its ward.
 */
public enum EventCategory {
    /** Blood or blood product. */
    BLOOD_PRODUCT("blood_product"),
    /** Device or medical/surgical supply, including health information technology. */
    DEVICE_OR_SUPPLY("device_or_supply"),
    /** Fall. */
    FALL("fall"),
    /** Healthcare-associated infection. */
    HEALTHCARE_ASSOCIATED_INFECTION("healthcare_associated_infection"),
    /** Medication or other substance. */
    MEDICATION("medication"),
    /** Perinatal. */
    PERINATAL("perinatal"),
    /** Pressure ulcer. */
    PRESSURE_ULCER("pressure_ulcer"),
    /** Surgery or anesthesia. */
    SURGERY_OR_ANESTHESIA("surgery_or_anesthesia"),
    /** Venous thromboembolism. */
    VENOUS_THROMBOEMBOLISM("venous_thromboembolism"),
    /** Other (a category the reporter chose explicitly). */
    OTHER("other"),
    /** Absent, empty or unrecognised category. */
    UNCLASSIFIED("unclassified");

    private final String code;

    EventCategory(String code) {
        this.code = code;
    }

    /** @return the lower-case wire code, e.g. {@code "medication"} */
    public String code() {
        return code;
    }

    /**
     * Maps the {@code category} field to a category; never fails.
     *
     * @param code the field value, may be null
     * @return the matching category (exact, case-sensitive match), else {@link #UNCLASSIFIED}
     */
    public static EventCategory fromCode(String code) {
        if (code == null || code.isEmpty()) {
            return UNCLASSIFIED;
        }
        for (EventCategory category : values()) {
            if (category != UNCLASSIFIED && category.code.equals(code)) {
                return category;
            }
        }
        return UNCLASSIFIED;
    }
}

package org.hospital.incidents.testing;

import java.util.HashMap;
import java.util.Map;
import org.hospital.incidents.devtools.HistoryGenerator;

/**
 * The sample NRLS mapping's tables written out by hand, for tests that compute the expected answer from a generated
 * history without the importer (so they check it rather than repeat it).
 */
public final class NrlsTables {

    private NrlsTables() {
    }

    /** @return location name → ward id, for {@link HistoryGenerator#LOCATIONS} */
    public static Map<String, String> wards() {
        Map<String, String> wards = new HashMap<>();
        String[] ids = {"ICU-1", "ICU-2", "ED-1", "ED-2", "MED-3", "SURG-4", "PEDS-1", "ONC-2", "MAT-1", "GER-5"};
        for (int i = 0; i < ids.length; i++) {
            wards.put(HistoryGenerator.LOCATIONS.get(i), ids[i]);
        }
        return wards;
    }

    /** @return degree of harm → AHRQ harm level code */
    public static Map<String, String> harms() {
        return Map.of("No harm", "none", "Low harm", "mild", "Moderate harm", "moderate", "Severe harm", "severe",
                "Death", "death");
    }
}

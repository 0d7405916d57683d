package org.hospital.incidents.stream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Incidents tab takes each ward's SPC variation from the spc-summary.csv beside --surge-limits. */
class IncidentsConsoleTest {

    @TempDir
    Path temp;

    @Test
    void readsTheVariationOfEachWardAndMeasureBesideTheSurgeLimits() throws Exception {
        Files.writeString(temp.resolve("spc-summary.csv"), "wardId,measure,month,value,mean,lowerLimit,upperLimit,"
                + "variation,trial\r\nICU-1,incidents,2025-12,40,20.0000,5.0000,35.0000,special-cause-concerning,"
                + "false\r\nICU-1,severeOrDeath,2025-12,1,2.0000,-1.0000,5.0000,common-cause,false\r\n");
        Map<String, Map<String, String>> variations = IncidentsConsole.variations(
                temp.resolve("surge-limits.csv").toString(), new Configuration());
        assertEquals(Map.of("ICU-1", Map.of("incidents", "special-cause-concerning", "severeOrDeath",
                "common-cause")), variations);
        assertEquals(Map.of(), IncidentsConsole.variations(temp.resolve("elsewhere/surge-limits.csv").toString(),
                new Configuration()), "no summary: no variation");
        assertEquals(Map.of(), IncidentsConsole.variations(null, new Configuration()));
    }
}

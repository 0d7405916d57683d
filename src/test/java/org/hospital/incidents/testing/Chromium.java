package org.hospital.incidents.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Headless Chromium for the checks that open a page as a person would; they skip with a message where it is absent. */
public final class Chromium {

    private Chromium() {
    }

    /**
     * @param what the check, for the skip message (e.g. "the Incidents tab's browser check")
     * @return the browser's executable
     * @throws org.opentest4j.TestAbortedException (the test is skipped) when no Chromium is installed
     */
    public static String orSkip(String what) {
        String browser = null;
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                browser = candidate;
            }
        }
        Assumptions.assumeTrue(browser != null, "no Chromium installed (apt-get install chromium): " + what
                + " is skipped");
        return browser;
    }
}

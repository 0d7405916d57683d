package org.hospital.incidents.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hospital.incidents.tools.CorpusGenerator;
import org.hospital.incidents.tools.CorpusGenerator.Corpus;

/** Fresh corpora for integration tests, and the checks that an output folder holds exactly their answer. */
public final class Corpora {

    private Corpora() {
    }

    /**
     * @param seed random seed (not the committed sample's)
     * @param lines about this many reports
     * @return a corpus of 6 wards over 60 s of event time, with a surge, malformed lines and critical events
     */
    public static Corpus fresh(long seed, int lines) {
        return CorpusGenerator.generate(seed, 6, 60, Math.max(1, (lines - 60) / 60.0), 60,
                Instant.parse("2026-11-21T10:00:00Z"));
    }

    /**
     * Asserts that the outputs hold exactly what the corpora must produce together: per-ward totals, harm-level
     * and category counts, one CRITICAL alert per severe or death event, and every malformed line rejected.
     *
     * @param out the output folder
     * @param corpora corpora fed, in any order
     * @throws IOException on a read error
     */
    public static void assertOutputsMatch(OutputFolder out, Corpus... corpora) throws IOException {
        assertOutputsMatch(out, 0, corpora);
    }

    /**
     * As {@link #assertOutputsMatch(OutputFolder, Corpus...)}, with {@code extraRejected} bad lines fed besides.
     *
     * @param out the output folder
     * @param extraRejected bad lines fed on top of the corpora
     * @param corpora corpora fed, in any order
     * @throws IOException on a read error
     */
    public static void assertOutputsMatch(OutputFolder out, int extraRejected, Corpus... corpora)
            throws IOException {
        Map<String, Long> totals = new TreeMap<>();
        Map<String, Map<String, Long>> harm = new TreeMap<>();
        Map<String, Map<String, Long>> category = new TreeMap<>();
        TreeSet<String> critical = new TreeSet<>();
        int malformed = extraRejected;
        for (Corpus corpus : corpora) {
            corpus.totals().forEach((ward, n) -> totals.merge(ward, n, Long::sum));
            corpus.byHarmLevel().forEach((ward, m) -> m.forEach((k, n) ->
                    harm.computeIfAbsent(ward, w -> new TreeMap<>()).merge(k, n, Long::sum)));
            corpus.byCategory().forEach((ward, m) -> m.forEach((k, n) ->
                    category.computeIfAbsent(ward, w -> new TreeMap<>()).merge(k, n, Long::sum)));
            critical.addAll(corpus.critical());
            malformed += corpus.malformed();
        }
        Map<String, JsonObject> latest = out.latestWardTotals();
        assertEquals(totals, out.totals(), "per-ward totals");
        for (String ward : totals.keySet()) {
            assertEquals(harm.get(ward), OutputFolder.counts(latest.get(ward).getAsJsonObject("byHarmLevel")),
                    "byHarmLevel of " + ward);
            assertEquals(category.get(ward), OutputFolder.counts(latest.get(ward).getAsJsonObject("byCategory")),
                    "byCategory of " + ward);
        }
        List<JsonObject> alerts = out.records("alerts");
        List<String> criticalIds = alerts.stream().filter(a -> a.get("type").getAsString().equals("CRITICAL"))
                .map(a -> a.get("eventId").getAsString()).sorted().toList();
        assertEquals(List.copyOf(critical), criticalIds, "one CRITICAL alert per severe or death event");
        assertEquals(malformed, out.records("rejected").size(), "every malformed line rejected, nothing else");
    }
}

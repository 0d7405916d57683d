package org.hospital.incidents.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hospital.incidents.devtools.CorpusGenerator;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.hospital.incidents.ops.Report;

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
     * @param seed random seed (not the committed sample's)
     * @param lines about this many reports
     * @param amendments later versions of earlier reports among them
     * @param repeats exact repeats of earlier reports among them
     * @return as {@link #fresh(long, int)}, with amendments and duplicates mixed in
     */
    public static Corpus amended(long seed, int lines, int amendments, int repeats) {
        return CorpusGenerator.generate(seed, 6, 60, Math.max(1, (lines - 60) / 60.0), 60,
                Instant.parse("2026-11-21T10:00:00Z"), amendments, repeats);
    }

    /**
     * How many rejected lines the corpora explain: each malformed line and each repeat, plus each original of an
     * amended report that arrived after its amendment (then the original is the duplicate: a later Kafka partition
     * can be read before an earlier one). Fails when any rejected line is none of these.
     *
     * @param rejected the {@code rejected} records
     * @param extraRejected bad lines fed besides the corpora
     * @param corpora the corpora fed
     * @return the number of rejected lines expected, given which originals were overtaken
     */
    public static int expectedRejected(List<JsonObject> rejected, int extraRejected, Corpus... corpora) {
        java.util.Set<String> amended = new TreeSet<>();
        int expected = extraRejected;
        for (Corpus corpus : corpora) {
            amended.addAll(corpus.amended());
            expected += corpus.malformed() + corpus.repeats();
        }
        return expected + Report.overtakenOriginals(rejected.stream().map(JsonObject::toString).toList(), amended);
    }

    /**
     * Asserts that the outputs hold exactly what the corpora must produce together: per-ward totals, harm-level
     * and category counts (amended reports counted in their last version), one CRITICAL alert per event that was
     * ever counted at severe or death, and every malformed line and repeat rejected.
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
        for (Corpus corpus : corpora) {
            corpus.totals().forEach((ward, n) -> totals.merge(ward, n, Long::sum));
            corpus.byHarmLevel().forEach((ward, m) -> m.forEach((k, n) ->
                    harm.computeIfAbsent(ward, w -> new TreeMap<>()).merge(k, n, Long::sum)));
            corpus.byCategory().forEach((ward, m) -> m.forEach((k, n) ->
                    category.computeIfAbsent(ward, w -> new TreeMap<>()).merge(k, n, Long::sum)));
            critical.addAll(corpus.critical());
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
        List<JsonObject> rejected = out.records("rejected");
        assertEquals(expectedRejected(rejected, extraRejected, corpora), rejected.size(),
                "every malformed line and repeat rejected, nothing else");
    }
}

package org.hospital.incidents.devtools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates a realistic, reproducible incident stream together with the answer it must produce: per-ward totals,
 * harm-level and category counts, the CRITICAL event ids and the number of malformed lines.
 *
 * <p>The stream: {@code wards} wards reporting at a steady rate over {@code durationSeconds} of event time, one
 * ward with a surge (a burst of extra reports in 30 s), AHRQ harm levels weighted like real reporting (most
 * reports are no-harm or near misses; a few severe or death), some unknown or missing categories, near misses and
 * unsafe conditions, and a handful of malformed lines of different kinds. Events are mostly in time order, with a
 * little jitter, as reports from many wards arrive.
 *
 * <p>The committed {@code sample-logs/incidents-sample.jsonl} is {@code --seed 20261121}; tests use other seeds,
 * so they check the job against corpora it has never seen. The answer is computed from what was generated, not by
 * parsing the lines back.
 */
@Command(name = "generate-incidents", mixinStandardHelpOptions = true,
        description = "Generate a reproducible incident stream and its expected totals.")
public final class CorpusGenerator implements Callable<Integer> {

    private static final String[] WARDS = {"ICU-1", "ICU-2", "ED-1", "ED-2", "MED-3", "SURG-4", "PEDS-1", "ONC-2",
        "MAT-1", "GER-5", "CARD-1", "NEURO-2"};
    private static final String[] CATEGORIES = {"blood_product", "device_or_supply", "fall",
        "healthcare_associated_infection", "medication", "perinatal", "pressure_ulcer", "surgery_or_anesthesia",
        "venous_thromboembolism", "other"};
    private static final String[] UNKNOWN_CATEGORIES = {"Medication", "slip", "equipment", "med_error", "FALL"};
    private static final String[] DESCRIPTIONS = {"Patient found on floor beside bed", "Wrong dose drawn up, caught",
        "Infusion pump alarm failed", "Line infection suspected", "Pressure injury stage 2 noted",
        "Wet floor in corridor, no signage", "Allergy not checked before administration", "Swab count discrepancy"};
    private static final String[] MALFORMED = {
        "{\"eventId\":\"TRUNC-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"ICU-1\",\"harmLe",
        "[\"not\",\"an\",\"object\"]",
        "{\"eventId\":\"NOWARD-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"harmLevel\":\"mild\"}",
        "{\"eventId\":\"BADHARM-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"ED-1\","
            + "\"harmLevel\":\"catastrophic\"}",
        "{\"eventId\":\"BADTIME-1\",\"occurredAt\":\"21/11/2026 08:01\",\"wardId\":\"ED-1\",\"harmLevel\":\"mild\"}",
        "{\"eventId\":42,\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"ED-1\",\"harmLevel\":\"none\"}",
        "this is not json at all",
        "{\"eventId\":\"NULLWARD-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":null,\"harmLevel\":\"none\"}",
        "{\"eventId\":\"   \",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"ED-2\",\"harmLevel\":\"none\"}",
        "{\"eventId\":\"DUP-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"ED-2\",\"wardId\":\"ICU-1\","
            + "\"harmLevel\":\"none\"}",
        "{'eventId':'SQ-1','occurredAt':'2026-11-21T08:01:00Z','wardId':'ED-2','harmLevel':'none'}",
        "{\"eventId\":\"NOHARM-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"wardId\":\"MED-3\"}",
    };

    @Option(names = "--seed", description = "Random seed (default 20261121, the committed sample).")
    long seed = 20261121L;

    @Option(names = "--wards", description = "Number of wards, 1-12 (default 10).")
    int wards = 10;

    @Option(names = "--duration-seconds", description = "Event-time span (default 240).")
    int durationSeconds = 240;

    @Option(names = "--rate", description = "Reports per second across all wards, before the surge (default 9).")
    double rate = 9;

    @Option(names = "--surge", description = "Extra reports in the surge ward within 30 s (default 220).")
    int surge = 220;

    @Option(names = "--amendments", description = "Later versions (updatedAt) of earlier reports: harm re-graded, "
            + "ward corrected or category changed (default 0).")
    int amendments;

    @Option(names = "--repeats", description = "Exact repeats of earlier reports, duplicates to reject (default 0).")
    int repeats;

    @Option(names = "--start", description = "First occurredAt (default 2026-11-21T08:00:00Z).")
    String start = "2026-11-21T08:00:00Z";

    @Option(names = "--out", required = true, description = "Lines go here.")
    Path out;

    @Option(names = "--expected", description = "The expected totals (JSON) go here.")
    Path expected;

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CorpusGenerator()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Corpus corpus = generate(seed, wards, durationSeconds, rate, surge, Instant.parse(start), amendments,
                repeats);
        Files.write(out, corpus.lines(), StandardCharsets.UTF_8);
        if (expected != null) {
            Gson gson = new GsonBuilder().setPrettyPrinting().create();
            Files.writeString(expected, gson.toJson(corpus.expected()) + "\n", StandardCharsets.UTF_8);
        }
        System.err.println("generate-incidents: " + corpus.lines().size() + " lines, " + corpus.malformed()
                + " malformed, " + corpus.repeats() + " repeats, " + corpus.amended().size() + " amendments, "
                + corpus.critical().size() + " critical, surge ward " + corpus.surgeWard());
        return 0;
    }

    /**
     * What a corpus must produce.
     *
     * @param lines the lines, in send order
     * @param totals accepted reports per ward
     * @param byHarmLevel per ward, per harm level code
     * @param byCategory per ward, per category code ({@code unclassified} for unknown or missing)
     * @param critical event ids of severe and death reports
     * @param malformed lines that must be rejected
     * @param surgeWard the ward with the burst
     * @param repeats exact repeats of earlier reports (rejected as duplicates)
     * @param amended eventIds sent again later with a later {@code updatedAt} (the answer counts their last
     *     version); when an amendment overtakes its original (another Kafka partition read first), the original is
     *     the duplicate instead, and one more line is rejected
     */
    public record Corpus(List<String> lines, Map<String, Long> totals, Map<String, Map<String, Long>> byHarmLevel,
            Map<String, Map<String, Long>> byCategory, List<String> critical, int malformed, String surgeWard,
            int repeats, List<String> amended) {

        /** @return the answer as JSON */
        public JsonObject expected() {
            Gson gson = new Gson();
            JsonObject json = new JsonObject();
            json.addProperty("lines", lines.size());
            json.addProperty("malformed", malformed);
            json.addProperty("repeats", repeats);
            json.add("amended", gson.toJsonTree(amended));
            json.addProperty("surgeWard", surgeWard);
            json.add("totals", gson.toJsonTree(totals));
            json.add("byHarmLevel", gson.toJsonTree(byHarmLevel));
            json.add("byCategory", gson.toJsonTree(byCategory));
            json.add("critical", gson.toJsonTree(critical));
            return json;
        }
    }

    /**
     * Generates a corpus.
     *
     * @param seed random seed
     * @param wardCount wards, 1 to 12
     * @param durationSeconds event-time span, seconds
     * @param rate reports per second across all wards
     * @param surgeReports extra reports for the surge ward, within 30 s starting at half the span
     * @param first first occurredAt
     * @return lines and answer
     */
    public static Corpus generate(long seed, int wardCount, int durationSeconds, double rate, int surgeReports,
            Instant first) {
        return generate(seed, wardCount, durationSeconds, rate, surgeReports, first, 0, 0);
    }

    /**
     * Generates a corpus with amendments and repeats (docs/DESIGN.md "The incident ledger"): each amendment is a
     * later version of an earlier report (same eventId and occurredAt, {@code updatedAt} one hour after it) sent 100
     * to 400 lines after it, with its harm level re-graded (a third of those to severe or death), its ward corrected
     * or its category changed; each repeat is an earlier report's line again, 100 to 400 lines later.
     *
     * @param seed random seed
     * @param wardCount wards, 1 to 12
     * @param durationSeconds event-time span, seconds
     * @param rate reports per second across all wards
     * @param surgeReports extra reports for the surge ward, within 30 s starting at half the span
     * @param first first occurredAt
     * @param amendmentCount amendments, each of a different report
     * @param repeatCount repeats, each of a different report that is not amended
     * @return lines and answer
     */
    public static Corpus generate(long seed, int wardCount, int durationSeconds, double rate, int surgeReports,
            Instant first, int amendmentCount, int repeatCount) {
        return generate(seed, wardCount, durationSeconds, rate, surgeReports, first, amendmentCount, repeatCount,
                false);
    }

    /**
     * Generates a steady corpus: the wards take turns at evenly spaced times (with the same few seconds of arrival
     * jitter), so no ward ever has a burst: with {@code rate / wardCount} below the surge threshold per window, no
     * event-time window reaches it (the benchmark's backlog, which must raise no SURGE).
     *
     * @param seed random seed
     * @param wardCount wards, 1 to 12
     * @param durationSeconds event-time span, seconds
     * @param rate reports per second across all wards
     * @param first first occurredAt
     * @return lines and answer
     */
    public static Corpus steady(long seed, int wardCount, int durationSeconds, double rate, Instant first) {
        return generate(seed, wardCount, durationSeconds, rate, 0, first, 0, 0, true);
    }

    private static Corpus generate(long seed, int wardCount, int durationSeconds, double rate, int surgeReports,
            Instant first, int amendmentCount, int repeatCount, boolean evenly) {
        Random random = new Random(seed);
        List<String> wardIds = List.of(WARDS).subList(0, Math.max(1, Math.min(wardCount, WARDS.length)));
        String surgeWard = wardIds.get(Math.min(1, wardIds.size() - 1));
        List<long[]> schedule = new ArrayList<>();
        int steady = (int) Math.round(durationSeconds * rate);
        for (int i = 0; i < steady; i++) {
            schedule.add(evenly ? new long[] {(long) (i * 1000 / rate), i % wardIds.size()}
                    : new long[] {(long) (random.nextDouble() * durationSeconds * 1000), -1});
        }
        long surgeStart = durationSeconds * 500L;
        for (int i = 0; i < surgeReports; i++) {
            schedule.add(new long[] {surgeStart + (long) (random.nextDouble() * 30_000), wardIds.indexOf(surgeWard)});
        }
        schedule.sort((a, b) -> Long.compare(a[0], b[0]));

        Map<String, Long> totals = new TreeMap<>();
        Map<String, Map<String, Long>> byHarm = new TreeMap<>();
        Map<String, Map<String, Long>> byCategory = new TreeMap<>();
        List<String> critical = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        List<JsonObject> reports = new ArrayList<>();
        int n = 0;
        for (long[] slot : schedule) {
            n++;
            String ward = slot[1] >= 0 ? wardIds.get((int) slot[1]) : wardIds.get(random.nextInt(wardIds.size()));
            // Up to 3 s of arrival jitter: reports are not perfectly in occurredAt order.
            long at = Math.max(0, slot[0] - random.nextInt(3000));
            String reportType = pick(random, new String[] {"incident", "near_miss", "unsafe_condition"},
                    new double[] {0.75, 0.20, 0.05});
            String harm = reportType.equals("incident")
                    ? pick(random, new String[] {"none", "mild", "moderate", "severe", "death", "unknown"},
                            new double[] {0.42, 0.33, 0.15, 0.025, 0.005, 0.07})
                    : "none";
            double c = random.nextDouble();
            String category = c < 0.04 ? null : c < 0.09 ? UNKNOWN_CATEGORIES[random.nextInt(UNKNOWN_CATEGORIES.length)]
                    : CATEGORIES[random.nextInt(CATEGORIES.length)];
            String eventId = String.format("EVT-%d-%05d", seed, n);
            JsonObject json = new JsonObject();
            json.addProperty("eventId", eventId);
            json.addProperty("occurredAt", first.plusMillis(at).toString());
            json.addProperty("hospitalId", "RH-01");
            json.addProperty("wardId", ward);
            json.addProperty("harmLevel", harm);
            if (category != null) {
                json.addProperty("category", category);
            }
            if (!reportType.equals("incident") || random.nextBoolean()) {
                json.addProperty("reportType", reportType);
            }
            json.addProperty("patientRef", String.format("P-%06d", random.nextInt(1_000_000)));
            json.addProperty("description", DESCRIPTIONS[random.nextInt(DESCRIPTIONS.length)]);
            lines.add(gson.toJson(json));
            reports.add(json);

            totals.merge(ward, 1L, Long::sum);
            byHarm.computeIfAbsent(ward, k -> new TreeMap<>()).merge(harm, 1L, Long::sum);
            String counted = category == null || !List.of(CATEGORIES).contains(category) ? "unclassified" : category;
            byCategory.computeIfAbsent(ward, k -> new TreeMap<>()).merge(counted, 1L, Long::sum);
            if (harm.equals("severe") || harm.equals("death")) {
                critical.add(eventId);
            }
        }
        // Amendments and repeats of distinct reports, each sent some lines after its original.
        Map<Integer, List<String>> later = new HashMap<>();
        List<String> amended = new ArrayList<>();
        java.util.Set<Integer> chosen = new java.util.HashSet<>();
        int repeatsMade = 0;
        for (int k = 0; k < amendmentCount + repeatCount && chosen.size() < lines.size(); k++) {
            int i = random.nextInt(lines.size());
            if (!chosen.add(i)) {
                k--;
                continue;
            }
            int at = Math.min(lines.size() - 1, i + 100 + random.nextInt(300));
            JsonObject original = reports.get(i);
            if (k >= amendmentCount) {
                later.computeIfAbsent(at, x -> new ArrayList<>()).add(lines.get(i));
                repeatsMade++;
                continue;
            }
            JsonObject version = original.deepCopy();
            version.addProperty("updatedAt", Instant.parse(original.get("occurredAt").getAsString())
                    .plusSeconds(3600).toString());
            String ward = original.get("wardId").getAsString();
            String harm = original.get("harmLevel").getAsString();
            String category = original.has("category") ? original.get("category").getAsString() : null;
            String countedBefore = category == null || !List.of(CATEGORIES).contains(category) ? "unclassified"
                    : category;
            double what = random.nextDouble();
            if (what < 0.4) {
                version.addProperty("harmLevel", random.nextInt(3) == 0 ? (random.nextBoolean() ? "severe" : "death")
                        : pick(random, new String[] {"none", "mild", "moderate"}, new double[] {0.3, 0.4, 0.3}));
            } else if (what < 0.7) {
                version.addProperty("wardId", wardIds.get((wardIds.indexOf(ward) + 1) % wardIds.size()));
            } else {
                version.addProperty("category", CATEGORIES[random.nextInt(CATEGORIES.length)]);
            }
            String newWard = version.get("wardId").getAsString();
            String newHarm = version.get("harmLevel").getAsString();
            String newCategory = version.has("category") ? version.get("category").getAsString() : null;
            String countedAfter = newCategory == null || !List.of(CATEGORIES).contains(newCategory) ? "unclassified"
                    : newCategory;
            totals.merge(ward, -1L, Long::sum);
            totals.merge(newWard, 1L, Long::sum);
            byHarm.get(ward).merge(harm, -1L, Long::sum);
            byHarm.computeIfAbsent(newWard, x -> new TreeMap<>()).merge(newHarm, 1L, Long::sum);
            byCategory.get(ward).merge(countedBefore, -1L, Long::sum);
            byCategory.computeIfAbsent(newWard, x -> new TreeMap<>()).merge(countedAfter, 1L, Long::sum);
            boolean wasCritical = harm.equals("severe") || harm.equals("death");
            if (!wasCritical && (newHarm.equals("severe") || newHarm.equals("death"))) {
                critical.add(original.get("eventId").getAsString());
            }
            amended.add(original.get("eventId").getAsString());
            later.computeIfAbsent(at, x -> new ArrayList<>()).add(gson.toJson(version));
        }
        byHarm.values().forEach(m -> m.values().removeIf(v -> v == 0));
        byCategory.values().forEach(m -> m.values().removeIf(v -> v == 0));
        totals.values().removeIf(v -> v == 0);
        List<String> withLater = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            withLater.add(lines.get(i));
            withLater.addAll(later.getOrDefault(i, List.of()));
        }
        lines = withLater;
        // Malformed lines at random places; blank lines too, which are ignored rather than rejected.
        Map<Integer, String> inserts = new HashMap<>();
        for (String bad : MALFORMED) {
            inserts.put(random.nextInt(lines.size()), bad);
        }
        List<String> withBad = new ArrayList<>();
        int malformed = 0;
        for (int i = 0; i < lines.size(); i++) {
            String bad = inserts.get(i);
            if (bad != null) {
                withBad.add(bad);
                malformed++;
            }
            if (i % 500 == 250) {
                withBad.add("");
            }
            withBad.add(lines.get(i));
        }
        return new Corpus(withBad, totals, byHarm, byCategory, critical, malformed, surgeWard, repeatsMade,
                amended);
    }

    private static String pick(Random random, String[] values, double[] weights) {
        double r = random.nextDouble();
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += weights[i];
            if (r < sum) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}

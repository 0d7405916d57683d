package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.pipeline.batch.BucketLines;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hospital.incidents.ledger.LedgerSeedFolder;

/** Each eventId counted once within the horizon, and a new checkpoint's seed (DESIGN.md "Restarts and upgrades"). */
class DuplicateGraphTest {

    @TempDir
    Path temp;

    private static List<String> reasons(List<Rejection> rejections) {
        return rejections.stream().map(Rejection::reason).sorted().toList();
    }

    @Test
    void aRepeatedEventIdCountsOnceRaisesOneAlertAndIsRejectedWithTheFirstBatchTime() throws Exception {
        GraphSettings settings = GraphHarness.settings(1, 4, 2, 100, 2, 2);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("A", "ICU-2", "mild", "fall"), incident("B", "ICU-2", "severe", "medication"),
                        incident("C", "ED-1", "none", null)),
                List.of(incident("A", "ICU-2", "mild", "fall"), incident("B", "ICU-2", "severe", "medication"),
                        incident("D", "ED-1", "moderate", "fall")),
                List.of(incident("E", "ED-1", "death", "fall"), incident("E", "ED-1", "death", "fall")),
                null);
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(4);

            List<Rejection> second = harness.output("rejected", 2000);
            assertEquals(List.of("duplicate eventId (first seen 1000)", "duplicate eventId (first seen 1000)"),
                    reasons(second));
            assertTrue(second.stream().allMatch(r -> r.line().contains("\"eventId\":\"")
                    && !r.line().contains("P-SECRET") && !r.line().contains("sensitive text")),
                    "the duplicate's line is kept, patientRef and description masked");
            assertEquals(List.of("duplicate eventId (first seen 3000)"), reasons(harness.output("rejected", 3000)),
                    "a repeat within one batch: one counts, one is rejected");

            Map<String, WardTotal> totals = byWard(harness.output("ward-totals", 3000));
            assertEquals(3, totals.get("ED-1").state().total(), "C, D, E once");
            assertEquals(1, totals.get("ED-1").state().count(HarmLevel.DEATH));
            assertEquals(List.of("ED-1"), List.copyOf(byWard(harness.output("ward-totals", 2000)).keySet()),
                    "ICU-2 got only repeats in batch 2: unchanged, not written");
            assertEquals(2, byWard(harness.output("ward-totals", 1000)).get("ICU-2").state().total());

            List<Alert> critical = harness.all("critical-alerts").stream()
                    .flatMap(c -> c.records().stream()).map(Alert.class::cast).toList();
            assertEquals(List.of("CRITICAL:B", "CRITICAL:E"), critical.stream().map(Alert::alertId).sorted().toList(),
                    "one CRITICAL alert per event");
            assertEquals(List.of(3L), harness.output("accepted-counts", 1000).stream().map(Long.class::cast)
                    .reduce(Long::sum).stream().toList());
            assertEquals(1L, harness.<Long>output("accepted-counts", 2000).stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void aNewCheckpointStartsWardsFromTheirSeedAndRejectsEventIdsCountedBeforeIt() throws Exception {
        Path seedFolder = temp.resolve("dedup-seed");
        Files.createDirectories(seedFolder);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(seedFolder.resolve("part-00000.gz")));
                Writer writer = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            writer.write(LedgerSeedFolder.seedLine("OLD-1", entry("ICU-2", 500)) + "\n"
                    + LedgerSeedFolder.seedLine("OLD-\"2", entry("ED-1", 700)) + "\n");
        }
        long[] harm = new long[HarmLevel.values().length];
        harm[HarmLevel.MILD.ordinal()] = 40;
        long[] categories = new long[EventCategory.values().length];
        categories[EventCategory.FALL.ordinal()] = 40;
        WardState icu = WardState.restored(40, harm, categories, Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(),
                0, 0, 0);
        StateSeed seed = new StateSeed(Map.of("ICU-2", icu), new LedgerSeedFolder(seedFolder.toString()), 168);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("OLD-1", "ICU-2", "mild", "fall"), incident("NEW-1", "ICU-2", "mild", "fall"),
                        incident("NEW-2", "ED-1", "mild", "fall")),
                List.of(incident("OLD-\\\"2", "ED-1", "severe", "fall")));
        try (GraphHarness harness = GraphHarness.seeded(GraphHarness.settings(1, 2, 1, 100, 2, 2), batches, seed)) {
            harness.runBatches(2);
            Map<String, WardTotal> totals = byWard(harness.output("ward-totals", 1000));
            assertEquals(41, totals.get("ICU-2").state().total(), "seed 40 + NEW-1; OLD-1 was counted before");
            assertEquals(41, totals.get("ICU-2").state().count(EventCategory.FALL));
            assertEquals(1, totals.get("ED-1").state().total(), "a ward without a seed starts from zero");
            assertEquals(List.of("duplicate eventId (first seen 500)"), reasons(harness.output("rejected", 1000)));
            assertEquals(List.of("duplicate eventId (first seen 700)"), reasons(harness.output("rejected", 2000)));
            assertTrue(harness.all("critical-alerts").stream().allMatch(c -> c.records().isEmpty()),
                    "a repeat of a report counted before the new checkpoint raises no second alert");
        }
    }

    @Test
    void withTheCheckOffEveryReportCountsInTheParsingPass() throws Exception {
        List<List<String>> batches = Arrays.asList(
                List.of(incident("A", "ICU-2", "severe", "fall"), incident("A", "ICU-2", "severe", "fall"),
                        incident("U", "ED-1", "none", "Medication"), "not json"),
                List.of(incident("A", "ICU-2", "mild", "fall")));
        try (GraphHarness harness = GraphHarness.seeded(GraphHarness.settings(1, 2, 1, 100, 2, 2), batches,
                new StateSeed(Map.of(), null, 0))) {
            harness.runBatches(2);
            assertEquals(2, byWard(harness.output("ward-totals", 1000)).get("ICU-2").state().total());
            assertEquals(3, byWard(harness.output("ward-totals", 2000)).get("ICU-2").state().total());
            assertEquals(2, harness.all("critical-alerts").stream().mapToLong(c -> c.records().size()).sum());
            assertEquals(1, harness.output("rejected", 1000).size(), "only the malformed line; no duplicate");
            assertEquals(List.of("U"), harness.<org.hospital.incidents.model.Incident>output("review", 1000).stream()
                    .map(org.hospital.incidents.model.Incident::eventId).toList());
            assertEquals(3L, harness.<Long>output("accepted-counts", 1000).stream().mapToLong(Long::longValue).sum());
        }
    }

    private static LedgerEntry entry(String ward, long firstSeen) {
        return new LedgerEntry(ward, HarmLevel.MILD, EventCategory.FALL, ReportType.INCIDENT, 0, firstSeen,
                Candidate.NO_TIME, false);
    }

    @Test
    void anEventIdIsForgottenOneHorizonAfterItWasCounted() {
        LedgerUpdate ledger = new LedgerUpdate(new StateSeed(Map.of(), null, 1));
        Candidate report = new Candidate("A", "ICU-2", HarmLevel.MILD, EventCategory.FALL, ReportType.INCIDENT,
                0, Candidate.NO_TIME, null, Candidate.NO_TIME, 0, 0);
        LedgerShard first = ledger.call(lines(1_000, report), org.apache.spark.api.java.Optional.empty()).get();
        assertEquals(Verdict.Kind.COUNTED, first.verdicts().get(0).kind());
        assertEquals(1_000L, first.get("A").firstSeenBatchTime());
        LedgerShard within = ledger.call(lines(3_600_999, report), org.apache.spark.api.java.Optional.of(first))
                .get();
        assertEquals(Verdict.Kind.DUPLICATE, within.verdicts().get(0).kind(), "3,599.999 s later: within one hour");
        assertEquals("duplicate eventId (first seen 1000)", within.verdicts().get(0).reason());
        assertEquals(1_000L, within.get("A").firstSeenBatchTime(), "a duplicate does not move the first-seen time");
        LedgerShard after = ledger.call(lines(3_601_000, report), org.apache.spark.api.java.Optional.of(within))
                .get();
        assertEquals(Verdict.Kind.COUNTED, after.verdicts().get(0).kind(), "one hour later the eventId counts again");
        assertEquals(3_601_000L, after.get("A").firstSeenBatchTime());
        assertEquals(1_000L, first.get("A").firstSeenBatchTime(), "each batch makes a new version; the old stays");
        LedgerShard quiet = ledger.call(List.of(), org.apache.spark.api.java.Optional.of(after)).get();
        assertTrue(quiet.verdicts().isEmpty(), "a batch without lines for the bucket keeps its entries, no verdicts");
        assertEquals(1, quiet.size());
    }

    @Test
    void aLedgerBucketGrowsDropsForgottenEntriesAndSurvivesKryo() {
        LedgerUpdate ledger = new LedgerUpdate(new StateSeed(Map.of(), null, 1));
        LedgerShard shard = LedgerShard.empty();
        for (int batch = 0; batch < 3; batch++) {
            java.util.ArrayList<Candidate> lines = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                lines.add(new Candidate("E-" + batch + "-" + i, "W-" + (i % 7), HarmLevel.values()[i % 6],
                        EventCategory.values()[i % 11], ReportType.values()[i % 3], i, i % 2 == 0 ? i + 5 : Candidate
                        .NO_TIME, null, Candidate.NO_TIME, 0, i));
            }
            shard = ledger.call(List.of(new BucketLines(1_000 + batch * 1_000_000L, lines)),
                    org.apache.spark.api.java.Optional.of(shard)).get();
        }
        // Batch 2 is 2,000 s after batch 0 (horizon 1 h): all kept. Every entry is read back exactly.
        assertEquals(15_000, shard.size());
        LedgerEntry e = shard.get("E-1-17");
        assertEquals(new LedgerEntry("W-3", HarmLevel.values()[17 % 6], EventCategory.values()[17 % 11],
                ReportType.values()[17 % 3], 17, 1_001_000, Candidate.NO_TIME, false), e);
        org.apache.spark.serializer.KryoSerializer kryo = new org.apache.spark.serializer.KryoSerializer(
                org.hospital.incidents.stream.app.KryoClasses.configure(new org.apache.spark.SparkConf()
                        .set("spark.kryo.registrationRequired", "true")));
        org.apache.spark.serializer.SerializerInstance instance = kryo.newInstance();
        LedgerShard copy = instance.deserialize(instance.serialize(shard, scala.reflect.ClassTag$.MODULE$
                .apply(LedgerShard.class)), scala.reflect.ClassTag$.MODULE$.apply(LedgerShard.class));
        assertEquals(shard.size(), copy.size());
        for (String id : List.of("E-0-0", "E-1-17", "E-2-4999")) {
            assertEquals(shard.get(id), copy.get(id));
        }
        assertEquals(shard.verdicts(), copy.verdicts());
        BucketLines lines = new BucketLines(7, new java.util.ArrayList<>(List.of(new Candidate("R", "W", HarmLevel.MILD,
                EventCategory.FALL, ReportType.NEAR_MISS, 1, 2, "dr.lee", 3, 4, 5), new Candidate("S", "W",
                HarmLevel.DEATH, EventCategory.UNCLASSIFIED, ReportType.INCIDENT, 1, Candidate.NO_TIME, null,
                Candidate.NO_TIME, 0, 6))));
        assertEquals(lines, instance.deserialize(instance.serialize(lines, scala.reflect.ClassTag$.MODULE$
                .apply(BucketLines.class)), scala.reflect.ClassTag$.MODULE$.apply(BucketLines.class)));
        // Just over an hour after batch 2 everything is past the horizon: a change drops the forgotten entries of
        // the segments it writes to, and the rule ignores those still held (an old eventId counts again).
        long later = 2_002_000L + 3_600_000L;
        LedgerShard one = ledger.call(List.of(new BucketLines(later, new java.util.ArrayList<>(
                List.of(new Candidate("E-0-0", "W-1", HarmLevel.NONE, EventCategory.FALL, ReportType.INCIDENT, 0,
                        Candidate.NO_TIME, null, Candidate.NO_TIME, 0, 0))))),
                org.apache.spark.api.java.Optional.of(copy)).get();
        assertEquals(Verdict.Kind.COUNTED, one.verdicts().get(0).kind(), "forgotten: counted again");
        assertTrue(one.size() < 15_000, "the segment written to dropped its forgotten entries: " + one.size());
        assertTrue(one.size() > 14_000, "the others are shared with the version before, as they were: " + one.size());
        assertEquals(15_000, copy.size(), "the version before is unchanged");
        java.util.ArrayList<Candidate> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            fresh.add(new Candidate("F-" + i, "W-1", HarmLevel.NONE, EventCategory.FALL, ReportType.INCIDENT, 0,
                    Candidate.NO_TIME, null, Candidate.NO_TIME, 0, i));
        }
        LedgerShard all = ledger.call(List.of(new BucketLines(later + 1_000, fresh)),
                org.apache.spark.api.java.Optional.of(one)).get();
        assertEquals(5_001, all.size(), "a batch writing to every segment leaves only the entries within the horizon");
        assertEquals(1_000L + 0 * 1_000_000L, copy.get("E-0-0").firstSeenBatchTime());
        assertEquals(later, all.get("E-0-0").firstSeenBatchTime());
    }

    private static List<BucketLines> lines(long batchTime, Candidate... lines) {
        return List.of(new BucketLines(batchTime, new java.util.ArrayList<>(List.of(lines))));
    }

    @Test
    void readsASeedFolderOfGzipParts() throws Exception {
        Path folder = temp.resolve("seed");
        Files.createDirectories(folder);
        LedgerEntry x = new LedgerEntry("ICU-2", HarmLevel.DEATH, EventCategory.UNCLASSIFIED, ReportType.NEAR_MISS,
                1_000, 4_000, 2_000, true);
        try (Writer writer = new java.io.OutputStreamWriter(new GZIPOutputStream(
                Files.newOutputStream(folder.resolve("part-00001.gz"))), StandardCharsets.UTF_8)) {
            writer.write(LedgerSeedFolder.seedLine("X", x) + "\n" + LedgerSeedFolder.seedLine("Y", entry("ED-1", 5))
                    + "\n");
        }
        Files.writeString(folder.resolve("_SUCCESS"), "");
        assertEquals(Map.of("X", x, "Y", entry("ED-1", 5)),
                LedgerSeedFolder.read(folder.toString(), new Configuration()));
    }
}

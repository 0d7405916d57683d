package org.hospital.incidents.pipeline;

import static org.hospital.incidents.testing.GraphHarness.byWard;
import static org.hospital.incidents.testing.Lines.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.apache.spark.streaming.StateImpl;
import org.apache.spark.streaming.Time;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.testing.GraphHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each eventId counted once within the horizon, and a new checkpoint's seed (DESIGN.md "Restarts and upgrades"). */
class DuplicateGraphTest {

    @TempDir
    Path temp;

    private static List<String> reasons(List<Rejection> rejections) {
        return rejections.stream().map(Rejection::reason).sorted().toList();
    }

    @Test
    void aRepeatedEventIdCountsOnceRaisesOneAlertAndIsRejectedWithTheFirstBatchTime() throws Exception {
        GraphSettings settings = new GraphSettings(1, 4, 2, 100, 2, 2, 10);
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
            writer.write(LedgerUpdate.seedLine("OLD-1", entry("ICU-2", 500)) + "\n"
                    + LedgerUpdate.seedLine("OLD-\"2", entry("ED-1", 700)) + "\n");
        }
        long[] harm = new long[HarmLevel.values().length];
        harm[HarmLevel.MILD.ordinal()] = 40;
        long[] categories = new long[EventCategory.values().length];
        categories[EventCategory.FALL.ordinal()] = 40;
        WardState icu = WardState.restored(40, harm, categories, Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(),
                0, 0);
        StateSeed seed = new StateSeed(Map.of("ICU-2", icu), seedFolder.toString(), 168);
        List<List<String>> batches = Arrays.asList(
                List.of(incident("OLD-1", "ICU-2", "mild", "fall"), incident("NEW-1", "ICU-2", "mild", "fall"),
                        incident("NEW-2", "ED-1", "mild", "fall")),
                List.of(incident("OLD-\\\"2", "ED-1", "severe", "fall")));
        try (GraphHarness harness = GraphHarness.seeded(new GraphSettings(1, 2, 1, 100, 2, 2, 2), batches, seed)) {
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
        try (GraphHarness harness = GraphHarness.seeded(new GraphSettings(1, 2, 1, 100, 2, 2, 2), batches,
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
        StateImpl<LedgerEntry> state = new StateImpl<>();
        state.wrap(scala.Option.empty());
        Verdict first = ledger.call(new Time(1_000), "A", lines(report), state).get().get(0);
        assertEquals(Verdict.Kind.COUNTED, first.kind());
        assertEquals(1_000L, state.get().firstSeenBatchTime());
        Verdict within = ledger.call(new Time(3_600_999), "A", lines(report), state).get().get(0);
        assertEquals(Verdict.Kind.DUPLICATE, within.kind(), "3,599.999 s later: still within one hour");
        assertEquals("duplicate eventId (first seen 1000)", within.reason());
        assertEquals(1_000L, state.get().firstSeenBatchTime(), "a duplicate does not move the first-seen time");
        Verdict after = ledger.call(new Time(3_601_000), "A", lines(report), state).get().get(0);
        assertEquals(Verdict.Kind.COUNTED, after.kind(), "one hour later the eventId counts again");
        assertEquals(3_601_000L, state.get().firstSeenBatchTime());
        StateImpl<LedgerEntry> timingOut = new StateImpl<>();
        timingOut.wrapTimingOutState(entry("ICU-2", 1_000));
        assertFalse(ledger.call(new Time(9_000_000), "A", org.apache.spark.api.java.Optional.empty(), timingOut)
                .isPresent(), "an expiring eventId emits nothing");
    }

    private static org.apache.spark.api.java.Optional<java.util.ArrayList<Candidate>> lines(Candidate... lines) {
        return org.apache.spark.api.java.Optional.of(new java.util.ArrayList<>(List.of(lines)));
    }

    @Test
    void readsASeedFolderOfGzipParts() throws Exception {
        Path folder = temp.resolve("seed");
        Files.createDirectories(folder);
        LedgerEntry x = new LedgerEntry("ICU-2", HarmLevel.DEATH, EventCategory.UNCLASSIFIED, ReportType.NEAR_MISS,
                1_000, 4_000, 2_000, true);
        try (Writer writer = new java.io.OutputStreamWriter(new GZIPOutputStream(
                Files.newOutputStream(folder.resolve("part-00001.gz"))), StandardCharsets.UTF_8)) {
            writer.write(LedgerUpdate.seedLine("X", x) + "\n" + LedgerUpdate.seedLine("Y", entry("ED-1", 5)) + "\n");
        }
        Files.writeString(folder.resolve("_SUCCESS"), "");
        assertEquals(Map.of("X", x, "Y", entry("ED-1", 5)), LedgerUpdate.read(folder.toString(), new Configuration()));
    }
}

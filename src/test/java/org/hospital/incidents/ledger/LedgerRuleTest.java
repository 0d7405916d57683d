package org.hospital.incidents.ledger;

import org.hospital.incidents.pipeline.WardChanges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardChange;
import org.junit.jupiter.api.Test;

/** The incident ledger's rule alone, and how its verdicts move ward counts. */
class LedgerRuleTest {

    private static final long HOUR = 3_600_000L;

    private static Candidate version(String id, String ward, HarmLevel harm, EventCategory category, long updatedAt,
            int position) {
        return new Candidate(id, ward, harm, category, ReportType.INCIDENT, 0, updatedAt, null, Candidate.NO_TIME, 0,
                position);
    }

    private static Candidate requalification(String id, String ward, EventCategory to) {
        return new Candidate(id, ward, HarmLevel.MILD, to, ReportType.INCIDENT, 0, Candidate.NO_TIME, "dr.lee",
                5_000, 0, 9);
    }

    @Test
    void aFirstSightingCountsARepeatIsADuplicateALaterVersionAmends() {
        LedgerRule.Step first = LedgerRule.apply(null,
                version("E", "ICU-2", HarmLevel.MILD, EventCategory.FALL, 100, 0), 1_000, HOUR);
        assertEquals(Verdict.Kind.COUNTED, first.verdict().kind());
        assertEquals(1_000, first.entry().firstSeenBatchTime());
        LedgerRule.Step same = LedgerRule.apply(first.entry(),
                version("E", "ICU-2", HarmLevel.MILD, EventCategory.FALL, 100, 1), 2_000, HOUR);
        assertEquals(Verdict.Kind.DUPLICATE, same.verdict().kind(), "equal updatedAt");
        assertSame(first.entry(), same.entry());
        assertEquals(Verdict.Kind.DUPLICATE, LedgerRule.apply(first.entry(),
                version("E", "ICU-2", HarmLevel.DEATH, EventCategory.FALL, Candidate.NO_TIME, 1), 2_000, HOUR)
                .verdict().kind(), "no updatedAt");
        LedgerRule.Step later = LedgerRule.apply(first.entry(),
                version("E", "ED-1", HarmLevel.DEATH, EventCategory.FALL, 200, 1), 2_000, HOUR);
        assertEquals(Verdict.Kind.AMENDED, later.verdict().kind());
        assertEquals("ED-1", later.entry().wardId());
        assertEquals(1_000, later.entry().firstSeenBatchTime(), "the horizon still runs from the first sighting");
        assertTrue(later.verdict().raisesCritical());
        assertEquals(Verdict.Kind.COUNTED, LedgerRule.apply(first.entry(),
                version("E", "ICU-2", HarmLevel.MILD, EventCategory.FALL, 100, 1), 1_000 + HOUR, HOUR).verdict()
                .kind(), "forgotten one horizon after its first sighting");
    }

    @Test
    void aRequalificationIsRefusedWithEachOfTheFourReasons() {
        LedgerEntry unclassified = version("U", "ICU-2", HarmLevel.MILD, EventCategory.UNCLASSIFIED, 0, 0)
                .entry(1_000, false);
        assertEquals("eventId U is unknown to the ledger", LedgerRule.apply(null,
                requalification("U", "ICU-2", EventCategory.FALL), 2_000, HOUR).verdict().reason());
        assertEquals("eventId U is in ward ICU-2", LedgerRule.apply(unclassified,
                requalification("U", "ED-1", EventCategory.FALL), 2_000, HOUR).verdict().reason());
        assertEquals("eventId U is already classified as fall", LedgerRule.apply(
                unclassified.withCategory(EventCategory.FALL, false),
                requalification("U", "ICU-2", EventCategory.MEDICATION), 2_000, HOUR).verdict().reason());
        LedgerRule.Step applied = LedgerRule.apply(unclassified, requalification("U", "ICU-2", EventCategory.FALL),
                2_000, HOUR);
        assertEquals(Verdict.Kind.REQUALIFIED, applied.verdict().kind());
        assertEquals("dr.lee", applied.verdict().reviewedBy());
        assertEquals("eventId U already requalified", LedgerRule.apply(applied.entry(),
                requalification("U", "ICU-2", EventCategory.MEDICATION), 3_000, HOUR).verdict().reason());
        assertEquals("eventId U is unknown to the ledger", LedgerRule.apply(unclassified,
                requalification("U", "ICU-2", EventCategory.FALL), 1_000 + HOUR, HOUR).verdict().reason(),
                "a forgotten eventId is unknown");
    }

    @Test
    void aBatchAppliesVersionsByUpdatedAtThenRequalificationsWhateverTheArrivalOrder() {
        List<Candidate> lines = new ArrayList<>(List.of(
                requalification("E", "ICU-2", EventCategory.FALL),
                version("E", "ICU-2", HarmLevel.SEVERE, EventCategory.UNCLASSIFIED, 300, 0),
                version("E", "ICU-2", HarmLevel.MILD, EventCategory.UNCLASSIFIED, 100, 1)));
        List<Verdict> verdicts = new ArrayList<>();
        LedgerEntry entry = LedgerRule.applyAll(null, lines, 1_000, HOUR, verdicts);
        assertEquals(List.of(Verdict.Kind.COUNTED, Verdict.Kind.AMENDED, Verdict.Kind.REQUALIFIED),
                verdicts.stream().map(Verdict::kind).toList());
        assertEquals(HarmLevel.SEVERE, entry.harmLevel());
        assertEquals(EventCategory.FALL, entry.category());
        assertTrue(entry.requalified());
        assertTrue(verdicts.get(1).raisesCritical(), "mild to severe within the batch");
        assertFalse(verdicts.get(0).raisesCritical());
    }

    @Test
    void verdictsMoveWardCountsAsTheDesignSays() {
        LedgerEntry before = version("E", "ICU-2", HarmLevel.MILD, EventCategory.FALL, 100, 0).entry(1_000, false);
        LedgerRule.Step moved = LedgerRule.apply(before,
                version("E", "ED-1", HarmLevel.SEVERE, EventCategory.MEDICATION, 200, 1), 2_000, HOUR);
        List<WardChange> changes = WardChanges.of(moved.verdict());
        assertEquals(2, changes.size());
        WardChange left = changes.get(0);
        assertEquals("ICU-2", left.wardId());
        assertEquals(-1, left.delta().total());
        assertEquals(-1, left.delta().count(HarmLevel.MILD));
        assertEquals(-1, left.delta().count(EventCategory.FALL));
        assertEquals(0, left.delta().amended());
        WardChange entered = changes.get(1);
        assertEquals("ED-1", entered.wardId());
        assertEquals(1, entered.delta().total());
        assertEquals(1, entered.delta().count(HarmLevel.SEVERE));
        assertEquals(1, entered.delta().amended());
        assertEquals(0, entered.arrived().total(), "windows ignore amendments");
        LedgerRule.Step regraded = LedgerRule.apply(before,
                version("E", "ICU-2", HarmLevel.NONE, EventCategory.FALL, 200, 1), 2_000, HOUR);
        WardChange same = WardChanges.of(regraded.verdict()).get(0);
        assertEquals(0, same.delta().total());
        assertEquals(-1, same.delta().count(HarmLevel.MILD));
        assertEquals(1, same.delta().count(HarmLevel.NONE));
        assertEquals(0, same.delta().count(EventCategory.FALL));
        assertFalse(regraded.verdict().raisesCritical());
        assertTrue(WardChanges.of(LedgerRule.apply(before,
                version("E", "ICU-2", HarmLevel.MILD, EventCategory.FALL, 50, 1), 2_000, HOUR).verdict()).isEmpty());
        assertNull(LedgerRule.replay(List.of(new LedgerRule.Timed(1_000,
                requalification("E", "ICU-2", EventCategory.FALL))), HOUR), "a re-qualification alone counts nothing");
    }
}

package org.hospital.incidents.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.junit.jupiter.api.Test;

/** The state update and the alert rules, alone. */
class RulesTest {

    private static Incident incident(String id, HarmLevel harm, EventCategory category, String at) {
        return new Incident(id, Instant.parse(at), "ICU-2", harm, category, ReportType.INCIDENT, null, "P-1",
                "secret");
    }

    private final WardStateUpdate update = new WardStateUpdate();

    /** A ward's counts as the state update receives them. */
    private static WardChange ward(Incident incident) {
        return new WardChange(incident.wardId(), WardState.of(incident), WardState.of(incident));
    }

    private static WardState call(WardStateUpdate function, List<WardChange> changes, WardState previous) {
        return function.call(changes, previous == null ? org.apache.spark.api.java.Optional.empty()
                : org.apache.spark.api.java.Optional.of(previous)).get();
    }

    @Test
    void aWardNewToTheCheckpointStartsFromItsSeedAndOthersFromZero() throws Exception {
        WardState seeded = WardState.restored(40, new long[] {1, 2, 3, 4, 20, 10},
                new long[] {0, 0, 30, 0, 0, 0, 0, 0, 0, 0, 10}, Instant.parse("2026-11-20T10:00:00Z").toEpochMilli(),
                3, 2);
        WardStateUpdate fromSeed = new WardStateUpdate(java.util.Map.of("ICU-2", seeded));
        WardState icu = fromSeed.call(List.of(ward(incident("n", HarmLevel.SEVERE, EventCategory.FALL,
                "2026-11-21T08:00:00Z"))), org.apache.spark.api.java.Optional.empty()).get();
        assertEquals(41, icu.total());
        assertEquals(31, icu.count(EventCategory.FALL));
        assertEquals(3, icu.count(HarmLevel.SEVERE));
        assertEquals(3, icu.requalified());
        assertEquals(2, icu.amended(), "the seed's running counts of re-qualifications and amendments come along");
        assertTrue(icu.changedInBatch());
        Incident elsewhere = new Incident("m", Instant.parse("2026-11-21T08:00:00Z"), "MAT-1", HarmLevel.MILD,
                EventCategory.FALL, ReportType.INCIDENT, null, null, null);
        assertEquals(1, call(fromSeed, List.of(ward(elsewhere)), null).total());
        WardState later = fromSeed.call(List.of(ward(incident("o", HarmLevel.MILD, EventCategory.FALL,
                "2026-11-21T09:00:00Z"))), org.apache.spark.api.java.Optional.of(icu)).get();
        assertEquals(42, later.total(), "the seed applies once, when the ward has no state yet");
    }

    @Test
    void stateUpdateAddsTheBatchToThePreviousState() {
        WardState first = call(update, List.of(
                ward(incident("a", HarmLevel.MILD, EventCategory.FALL, "2026-11-21T08:00:00Z")),
                ward(incident("b", HarmLevel.DEATH, EventCategory.MEDICATION, "2026-11-21T08:05:00Z"))), null);
        assertEquals(2, first.total());
        assertTrue(first.changedInBatch());
        WardState second = call(update, List.of(
                ward(incident("c", HarmLevel.MILD, EventCategory.FALL, "2026-11-21T07:00:00Z"))), first);
        assertEquals(3, second.total());
        assertEquals(2, second.count(HarmLevel.MILD));
        assertEquals(1, second.count(HarmLevel.DEATH));
        assertEquals(2, second.count(EventCategory.FALL));
        assertEquals(Instant.parse("2026-11-21T08:05:00Z").toEpochMilli(), second.lastOccurredAtMillis(),
                "an out-of-order older event does not move lastOccurredAt back");
    }

    @Test
    void stateUpdateWithoutIncidentsKeepsCountsAndMarksUnchanged() {
        WardState state = WardState.of(incident("a", HarmLevel.MILD, EventCategory.FALL, "2026-11-21T08:00:00Z"));
        WardState next = call(update, List.of(), state);
        assertEquals(1, next.total());
        assertFalse(next.changedInBatch());
    }

    @Test
    void criticalRuleFiresForDeathAndSevereOnly() {
        for (HarmLevel level : HarmLevel.values()) {
            boolean expected = level == HarmLevel.DEATH || level == HarmLevel.SEVERE;
            assertEquals(expected, AlertRules.isCritical(incident("e", level, EventCategory.OTHER,
                    "2026-11-21T08:00:00Z")), level.code());
        }
    }

    @Test
    void criticalAlertHasDeterministicIdAndNoPatientData() {
        Alert alert = AlertRules.critical(incident("E-7", HarmLevel.DEATH, EventCategory.FALL,
                "2026-11-21T08:00:00Z"), 42_000);
        assertEquals("CRITICAL:E-7", alert.alertId());
        assertEquals(Alert.Type.CRITICAL, alert.type());
        assertEquals(42_000, alert.batchTime());
        assertFalse(alert.message().contains("P-1"));
        assertFalse(alert.message().contains("secret"));
    }

    @Test
    void surgeRuleFiresAtTheThresholdAndNotBelow() {
        WindowCounts nine = WindowCounts.of(HarmLevel.MILD);
        for (int i = 0; i < 8; i++) {
            nine = nine.plus(WindowCounts.of(HarmLevel.NONE));
        }
        WindowCounts ten = nine.plus(WindowCounts.of(HarmLevel.SEVERE));
        assertEquals(Optional.empty(), AlertRules.surge(new WardWindow("W", 0, 60_000, nine), 10, 60_000));
        Alert alert = AlertRules.surge(new WardWindow("W", 0, 60_000, ten), 10, 60_000).orElseThrow();
        assertEquals("SURGE:W:60000", alert.alertId());
        assertEquals(10, alert.count());
        assertEquals(60_000, alert.windowEndMillis());
    }

    @Test
    void windowCountsSubtractExactly() {
        WindowCounts a = WindowCounts.of(HarmLevel.MILD).plus(WindowCounts.of(HarmLevel.SEVERE));
        WindowCounts b = WindowCounts.of(HarmLevel.SEVERE);
        WindowCounts diff = a.minus(b);
        assertEquals(1, diff.count());
        assertEquals(0, diff.count(HarmLevel.SEVERE));
        assertEquals(WindowCounts.of(HarmLevel.MILD), diff);
    }
}

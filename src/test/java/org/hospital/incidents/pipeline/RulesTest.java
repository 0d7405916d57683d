package org.hospital.incidents.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.SurgeWindow;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.junit.jupiter.api.Test;

/** The state update and the alert rules, alone. */
class RulesTest {

    private static Incident incident(String id, HarmLevel harm, EventCategory category, String at) {
        return new Incident(id, Instant.parse(at), "ICU-2", harm, category, ReportType.INCIDENT, null, "P-1",
                "secret");
    }

    private static final EventTimeRule RULE = new EventTimeRule(60_000, 5_000);

    private final WardStateUpdate update = new WardStateUpdate(java.util.Map.of(), java.util.Map.of(), RULE);

    /** A ward's counts as the state update receives them. */
    private static WardChange ward(Incident incident) {
        return new WardChange(incident.wardId(), WardState.of(incident), new EventBuckets.Builder(5_000)
                .add(incident.occurredAt().toEpochMilli(), incident.harmLevel()).build(), Long.MIN_VALUE,
                WardLimits.threshold(10),
                new ClockReading(0, Long.MIN_VALUE, new long[] {0, incident.occurredAt().toEpochMilli()}));
    }

    private static WardState call(WardStateUpdate function, List<WardChange> changes, WardState previous) {
        return function.call(changes, previous == null ? org.apache.spark.api.java.Optional.empty()
                : org.apache.spark.api.java.Optional.of(WardStatus.of(previous))).get().totals();
    }

    @Test
    void aWardNewToTheCheckpointStartsFromItsSeedAndOthersFromZero() throws Exception {
        WardState seeded = WardState.restored(40, new long[] {1, 2, 3, 4, 20, 10},
                new long[] {0, 0, 30, 0, 0, 0, 0, 0, 0, 0, 10}, Instant.parse("2026-11-20T10:00:00Z").toEpochMilli(),
                3, 2, 1);
        WardStateUpdate fromSeed = new WardStateUpdate(java.util.Map.of("ICU-2", seeded), java.util.Map.of(), RULE);
        WardStatus icuStatus = fromSeed.call(List.of(ward(incident("n", HarmLevel.SEVERE, EventCategory.FALL,
                "2026-11-21T08:00:00Z"))), org.apache.spark.api.java.Optional.empty()).get();
        WardState icu = icuStatus.totals();
        assertEquals(41, icu.total());
        assertEquals(31, icu.count(EventCategory.FALL));
        assertEquals(3, icu.count(HarmLevel.SEVERE));
        assertEquals(3, icu.requalified());
        assertEquals(2, icu.amended(), "the seed's running counts of re-qualifications and amendments come along");
        assertEquals(1, icu.late());
        assertTrue(icu.changedInBatch());
        Incident elsewhere = new Incident("m", Instant.parse("2026-11-21T08:00:00Z"), "MAT-1", HarmLevel.MILD,
                EventCategory.FALL, ReportType.INCIDENT, null, null, null);
        assertEquals(1, call(fromSeed, List.of(ward(elsewhere)), null).total());
        WardState later = fromSeed.call(List.of(ward(incident("o", HarmLevel.MILD, EventCategory.FALL,
                "2026-11-21T09:00:00Z"))), org.apache.spark.api.java.Optional.of(icuStatus)).get().totals();
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
    void surgeAlertNamesItsEventTimeWindowAndLimit() {
        WindowCounts ten = WindowCounts.of(10, new long[] {0, 1, 0, 1, 8, 0});
        Alert alert = AlertRules.surge(new SurgeWindow(new WardWindow("W", 60_000, 120_000, ten), 10,
                WardLimits.THRESHOLD), 500_000);
        assertEquals("SURGE:W:60000", alert.alertId(), "one id per ward and event-time window");
        assertEquals(10, alert.count());
        assertEquals(60_000, alert.windowStartMillis());
        assertEquals(120_000, alert.windowEndMillis());
        assertEquals(10, alert.limit());
        assertEquals("threshold", alert.limitSource());
        assertEquals(500_000, alert.batchTime());
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

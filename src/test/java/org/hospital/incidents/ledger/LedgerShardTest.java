package org.hospital.incidents.ledger;

import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.ReportType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.hospital.incidents.stream.app.KryoClasses;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * The ledger bucket written in place with undo logs ({@link LedgerShard}): every version reads as it was made however
 * the store moved on, a batch rebuilt on an older version gives the same version again without touching the newer
 * ones, a batch that fails half-way leaves the store as it found it, and a version older than the undo logs kept is
 * refused rather than read wrong. Checked against a plain map per version, over random batches.
 */
class LedgerShardTest {

    private static LedgerEntry entry(Random random, long batchTime) {
        return new LedgerEntry("W-" + random.nextInt(9), HarmLevel.values()[random.nextInt(6)],
                EventCategory.values()[random.nextInt(11)], ReportType.values()[random.nextInt(3)],
                random.nextInt(1_000_000), batchTime, random.nextBoolean() ? Candidate.NO_TIME : random.nextInt(99),
                random.nextBoolean());
    }

    /**
     * The eventId numbered {@code n}, in one of the forms the ledger packs differently: plain ASCII, Latin-1 (one
     * byte a char), wider chars (two bytes), a lone surrogate (two eventIds that differ only there, which UTF-8 would
     * make one), and longer than 63 chars (a two-byte length).
     */
    static String id(int n) {
        return switch (n % 5) {
            case 0 -> "E-" + n;
            case 1 -> "É-" + n;
            case 2 -> "患者-" + n;
            case 3 -> "S-" + n / 10 + (char) (0xD800 + n % 10);
            default -> "L-".repeat(40) + n;
        };
    }

    /** One batch on {@code from}: new eventIds, rewritten ones, and forgotten ones dropped; the model follows. */
    private static LedgerShard batch(LedgerShard from, Map<String, LedgerEntry> model, Random random, long batchTime,
            long dropBefore, int ids) {
        LedgerShard.Builder next = from.next(ids, dropBefore);
        for (int i = 0; i < ids; i++) {
            String id = id(random.nextInt(4_000));
            LedgerEntry entry = entry(random, batchTime);
            LedgerEntry expected = model.get(id);
            LedgerEntry seen = next.get(id);
            if (expected != null && expected.firstSeenBatchTime() < dropBefore) {
                assertTrue(seen == null || seen.equals(expected), "forgotten: held as it was, or dropped: " + id);
            } else {
                assertEquals(expected, seen, id);
            }
            next.put(id, entry);
            model.put(id, entry);
        }
        LedgerShard made = next.build();
        // The model keeps what the store may have dropped: dropped entries are only ever forgotten ones.
        model.entrySet().removeIf(e -> made.get(e.getKey()) == null && e.getValue().firstSeenBatchTime() < dropBefore);
        return made;
    }

    private static void assertHolds(Map<String, LedgerEntry> model, LedgerShard shard) {
        assertEquals(model.size(), shard.size(), "size");
        for (Map.Entry<String, LedgerEntry> e : model.entrySet()) {
            assertEquals(e.getValue(), shard.get(e.getKey()), e.getKey());
        }
        for (int i = 0; i < 4_000; i += 7) {
            if (!model.containsKey(id(i))) {
                assertNull(shard.get(id(i)), id(i));
            }
        }
    }

    @Test
    void everyVersionReadsAsItWasMadeAndARebuiltBatchLeavesTheNewerOnesAlone() {
        Random random = new Random(18);
        List<LedgerShard> versions = new ArrayList<>();
        List<Map<String, LedgerEntry>> models = new ArrayList<>();
        versions.add(LedgerShard.empty());
        models.add(new HashMap<>());
        for (int round = 0; round < 60; round++) {
            int newest = versions.size() - 1;
            // Mostly the newest version, as Spark runs it; now and then one a few versions back (a recomputed task).
            int from = random.nextInt(4) == 0 ? Math.max(0, newest - random.nextInt(LedgerShard.HISTORY)) : newest;
            Map<String, LedgerEntry> model = new HashMap<>(models.get(from));
            long batchTime = 1_000L * (round + 1);
            long dropBefore = round % 10 == 9 ? batchTime - 5_000 : Long.MIN_VALUE;
            versions.add(batch(versions.get(from), model, random, batchTime, dropBefore, 1 + random.nextInt(600)));
            models.add(model);
            // The new version and the versions whose undo logs are kept read exactly as made.
            for (int v = Math.max(0, versions.size() - LedgerShard.HISTORY); v < versions.size(); v++) {
                assertHolds(models.get(v), versions.get(v));
            }
        }
    }

    @Test
    void aBatchRebuiltOnTheVersionBeforeGivesTheSameVersionAgain() {
        Random random = new Random(7);
        Map<String, LedgerEntry> model = new HashMap<>();
        LedgerShard base = batch(LedgerShard.empty(), model, random, 1_000, Long.MIN_VALUE, 2_000);
        Map<String, LedgerEntry> baseModel = new HashMap<>(model);
        LedgerShard first = batch(base, model, new Random(99), 2_000, Long.MIN_VALUE, 500);
        Map<String, LedgerEntry> again = new HashMap<>(baseModel);
        LedgerShard second = batch(base, again, new Random(99), 2_000, Long.MIN_VALUE, 500);
        assertEquals(model, again);
        assertHolds(model, first);
        assertHolds(model, second);
        assertHolds(baseModel, base);
        // The first store goes on in place from its newest version; the rebuilt one has a store of its own.
        Map<String, LedgerEntry> later = new HashMap<>(model);
        LedgerShard third = batch(first, later, random, 3_000, Long.MIN_VALUE, 300);
        assertHolds(later, third);
        assertHolds(model, second);
        assertHolds(baseModel, base);
    }

    @Test
    void aBatchThatFailsHalfWayLeavesTheStoreAsItFoundIt() {
        Random random = new Random(3);
        Map<String, LedgerEntry> model = new HashMap<>();
        LedgerShard base = batch(LedgerShard.empty(), model, random, 1_000, Long.MIN_VALUE, 3_000);
        base = batch(base, model, random, 2_000, Long.MIN_VALUE, 10);
        // A later batch drops the forgotten ones of the segments it writes to, then fails.
        LedgerShard.Builder failed = base.next(800, 1_500);
        for (int i = 0; i < 800; i++) {
            failed.put(id(random.nextInt(6_000)), entry(random, 3_000));
        }
        failed.abandon();
        assertThrows(IllegalStateException.class, failed::build, "a builder is finished once");
        assertHolds(model, base);
        // The retry writes in place again, from the same entries.
        Map<String, LedgerEntry> retried = new HashMap<>(model);
        LedgerShard after = batch(base, retried, random, 3_000, Long.MIN_VALUE, 800);
        assertHolds(retried, after);
    }

    @Test
    void aVersionOlderThanTheUndoLogsKeptIsRefused() {
        Random random = new Random(5);
        Map<String, LedgerEntry> model = new HashMap<>();
        LedgerShard old = batch(LedgerShard.empty(), model, random, 1_000, Long.MIN_VALUE, 100);
        LedgerShard newest = old;
        Map<String, LedgerEntry> newestModel = new HashMap<>(model);
        for (int i = 0; i < LedgerShard.HISTORY; i++) {
            newest = batch(newest, newestModel, random, 2_000 + i, Long.MIN_VALUE, 10);
        }
        assertHolds(model, old);
        newest = batch(newest, newestModel, random, 9_000, Long.MIN_VALUE, 10);
        assertHolds(newestModel, newest);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> old.get("E-1"));
        assertTrue(refused.getMessage().contains("no longer held"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> old.next(1, Long.MIN_VALUE));
    }

    @Test
    void kryoAndJavaSerializationWriteTheVersionTheyAreGivenEvenAfterTheStoreMovedOn() {
        Random random = new Random(11);
        Map<String, LedgerEntry> model = new HashMap<>();
        LedgerShard version = batch(LedgerShard.empty(), model, random, 1_000, Long.MIN_VALUE, 1_500);
        Map<String, LedgerEntry> held = new HashMap<>(model);
        batch(version, model, random, 2_000, Long.MIN_VALUE, 700);
        SerializerInstance kryo = new KryoSerializer(KryoClasses.configure(new SparkConf()
                .set("spark.kryo.registrationRequired", "true"))).newInstance();
        SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
        for (SerializerInstance serializer : List.of(kryo, java)) {
            LedgerShard read = serializer.deserialize(serializer.serialize(version,
                    ClassTag$.MODULE$.apply(LedgerShard.class)), ClassTag$.MODULE$.apply(LedgerShard.class));
            assertHolds(held, read);
            assertEquals(version.verdicts(), read.verdicts());
        }
    }

    @Test
    void eventIdsThatALossyEncodingWouldMergeStayApartAndSurviveACheckpoint() {
        List<String> ids = List.of("", "A", "A\uD800", "A\uD801", "A\uDC00", "Ā", "\u0100\u0100", "ÿ", "\u00FF\u0000",
                "x".repeat(70), "x".repeat(71), "é".repeat(200), "患".repeat(5_000));
        LedgerShard.Builder builder = LedgerShard.empty().next(ids.size(), Long.MIN_VALUE);
        Map<String, LedgerEntry> model = new HashMap<>();
        Random random = new Random(1);
        for (String id : ids) {
            LedgerEntry entry = entry(random, 1_000);
            builder.put(id, entry);
            model.put(id, entry);
        }
        LedgerShard shard = builder.build();
        assertEquals(ids.size(), shard.size());
        SerializerInstance kryo = new KryoSerializer(KryoClasses.configure(new SparkConf()
                .set("spark.kryo.registrationRequired", "true"))).newInstance();
        LedgerShard read = kryo.deserialize(kryo.serialize(shard, ClassTag$.MODULE$.apply(LedgerShard.class)),
                ClassTag$.MODULE$.apply(LedgerShard.class));
        for (LedgerShard version : List.of(shard, read)) {
            for (String id : ids) {
                assertEquals(model.get(id), version.get(id), id);
            }
            assertNull(version.get("A\uD802"));
            assertNull(version.get("x".repeat(69)));
        }
    }

    @Test
    void theCheckpointWritesEachEventIdByteForByteAsKryosWriteStringDoes() {
        // Every form: ASCII of 1, 2, 63 and 64 chars (Kryo's ASCII form covers 2 to 63), Latin-1, wide, a lone
        // surrogate, empty, and the generated ids of the other tests.
        List<String> ids = new java.util.ArrayList<>(List.of("", "A", "AB", "a".repeat(63), "b".repeat(64), "é1",
                "\u007F\u007F", "Ā-1", "A\uD800", "患者-7", "x".repeat(300)));
        for (int n = 0; n < 2_000; n++) {
            if (!ids.contains(id(n))) {
                ids.add(id(n));
            }
        }
        LedgerShard.Builder builder = LedgerShard.empty().next(ids.size(), Long.MIN_VALUE);
        Random random = new Random(5);
        Map<String, LedgerEntry> model = new HashMap<>();
        for (String id : ids) {
            LedgerEntry entry = entry(random, 1_000);
            builder.put(id, entry);
            model.put(id, entry);
        }
        LedgerShard shard = builder.build();
        com.esotericsoftware.kryo.Kryo kryo = new com.esotericsoftware.kryo.Kryo();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        // A small buffer, so that ids also straddle the buffer's flushes.
        com.esotericsoftware.kryo.io.Output output = new com.esotericsoftware.kryo.io.Output(bytes, 100);
        new LedgerShardKryoForm().write(kryo, output, shard);
        output.flush();
        byte[] written = bytes.toByteArray();

        com.esotericsoftware.kryo.io.Input input = new com.esotericsoftware.kryo.io.Input(written);
        assertEquals(ids.size(), input.readInt(true));
        Map<String, LedgerEntry> read = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            int start = input.position();
            String id = input.readString();
            byte[] expected = kryoString(id);
            assertTrue(java.util.Arrays.equals(expected, java.util.Arrays.copyOfRange(written, start,
                    input.position())), "eventId '" + id + "' is written as Output.writeString writes it");
            String ward = input.readString();
            assertEquals(model.get(id).wardId(), ward, id);
            input.readInt(true);
            long occurred = input.readLong();
            assertEquals(model.get(id).occurredAtMillis(), occurred, id);
            assertEquals(model.get(id).firstSeenBatchTime(), occurred + input.readVarLong(false), id);
            assertEquals(model.get(id).updatedAtMillis(), input.readLong(), id);
            read.put(id, model.get(id));
        }
        assertEquals(model.keySet(), read.keySet());
    }

    private static byte[] kryoString(String s) {
        com.esotericsoftware.kryo.io.Output output = new com.esotericsoftware.kryo.io.Output(16, -1);
        output.writeString(s);
        return output.toBytes();
    }
}

package org.hospital.incidents.pipeline.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.hospital.incidents.stream.app.KryoClasses;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * {@link PackedEntries}: the bytes it writes are exactly those an {@link OutputStreamWriter} in UTF-8 wrote for the
 * same entries (as the archive did before), with the ledger's replacements in place, whatever the chars and wherever
 * the chunks end.
 */
class PackedEntriesTest {

    /** Entries of every kind: ASCII, Latin-1, wide, a surrogate pair, a lone surrogate, empty, longer than a chunk. */
    private static List<String> entries(int count, long seed) {
        Random random = new Random(seed);
        List<String> entries = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            entries.add(switch (n % 8) {
                case 0 -> "{\"batchTime\":1000,\"source\":\"kafka:t/0/" + n + "\",\"status\":\"accepted\"}";
                case 1 -> "{\"description\":\"Chambre é-" + n + " ÿ\"}";
                case 2 -> "{\"wardId\":\"病棟-" + n + "\"}";
                case 3 -> "{\"d\":\"pair " + new String(Character.toChars(0x1F600 + random.nextInt(40))) + "\"}";
                case 4 -> "{\"d\":\"lone " + (char) (0xD800 + random.nextInt(0x800)) + " tail\"}";
                case 5 -> "";
                case 6 -> "{\"line\":\"" + "x".repeat(ByteChunks.CHUNK_BYTES + random.nextInt(1000)) + "\"}";
                default -> "{\"w\":\"" + "w".repeat(random.nextInt(300)) + "\"}";
            });
        }
        return entries;
    }

    private static PackedEntries pack(List<String> entries) {
        PackedEntries packed = new PackedEntries();
        for (int i = 0; i < entries.size(); i++) {
            char[] chars = entries.get(i).toCharArray();
            // A buffer longer than the entry, as the archive's reused one is.
            char[] buffer = java.util.Arrays.copyOf(chars, chars.length + 17);
            assertEquals(i, packed.add(buffer, chars.length));
        }
        return packed;
    }

    /** What the archive wrote before: each entry and a line break through a UTF-8 writer. */
    private static byte[] written(List<String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer text = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            for (String entry : entries) {
                text.append(entry).append('\n');
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] writeTo(PackedEntries packed, Map<Integer, String> replaced) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        packed.writeTo(bytes, replaced);
        return bytes.toByteArray();
    }

    @Test
    void writesTheBytesAUtf8WriterWroteForTheSameEntries() throws IOException {
        List<String> entries = entries(2_000, 42);
        PackedEntries packed = pack(entries);
        assertEquals(entries.size(), packed.size());
        assertArrayEquals(written(entries), writeTo(packed, Map.of()));
    }

    @Test
    void replacedEntriesAreWrittenInTheirPlace() throws IOException {
        List<String> entries = entries(2_000, 7);
        PackedEntries packed = pack(entries);
        Random random = new Random(3);
        Map<Integer, String> replaced = new HashMap<>();
        // The first, the last, and entries on both sides of chunk ends.
        replaced.put(0, "{\"status\":\"rejected\",\"reason\":\"duplicate é\"}");
        replaced.put(entries.size() - 1, "{\"status\":\"amended\"}");
        for (int k = 0; k < 200; k++) {
            replaced.put(random.nextInt(entries.size()), "{\"n\":" + k + ",\"w\":\"病\"}");
        }
        List<String> expected = new ArrayList<>(entries);
        replaced.forEach(expected::set);
        assertArrayEquals(written(expected), writeTo(packed, replaced));
    }

    @Test
    void eachEntryComesBackAsItsUtf8Text() {
        List<String> entries = entries(500, 11);
        PackedEntries packed = pack(entries);
        for (int i = 0; i < entries.size(); i++) {
            // An unpaired surrogate has no UTF-8 form: it was written, and comes back, as '?'.
            String expected = new String(entries.get(i).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertEquals(expected, packed.get(i), "entry " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> packed.get(entries.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> packed.get(-1));
    }

    @Test
    void packedEntriesSurviveKryo() throws IOException {
        SerializerInstance kryo = new KryoSerializer(KryoClasses.configure(new SparkConf()
                .set("spark.kryo.registrationRequired", "true"))).newInstance();
        List<String> entries = entries(300, 9);
        PackedEntries back = kryo.deserialize(kryo.serialize(pack(entries),
                ClassTag$.MODULE$.apply(PackedEntries.class)), ClassTag$.MODULE$.apply(PackedEntries.class));
        assertArrayEquals(written(entries), writeTo(back, Map.of()));
        assertEquals(entries.get(3).substring(0, 10), back.get(3).substring(0, 10));
    }
}

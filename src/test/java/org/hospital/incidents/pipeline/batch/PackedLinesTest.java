package org.hospital.incidents.pipeline.batch;

import org.hospital.incidents.ledger.PackedChars;
import org.hospital.incidents.model.SourcedLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.hospital.incidents.stream.app.KryoClasses;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** {@link PackedLines} and {@link PackedChars}: every line comes back as it was kept, whatever its chars. */
class PackedLinesTest {

    /** Lines of every packed form: ASCII, Latin-1, wide, lone surrogates, empty, longer than a chunk. */
    private static String text(Random random, int n) {
        return switch (n % 7) {
            case 0 -> "{\"eventId\":\"E-" + n + "\",\"wardId\":\"ICU-2\"}";
            case 1 -> "Chambre é-" + n + " ÿ";
            case 2 -> "病棟-" + n + " ward";
            case 3 -> "S-" + n + (char) (0xD800 + random.nextInt(0x400)) + "tail";
            case 4 -> "";
            case 5 -> "x".repeat(ByteChunks.CHUNK_BYTES + random.nextInt(1000));
            default -> "w".repeat(random.nextInt(200)) + (char) (0x100 + random.nextInt(0xFF00));
        };
    }

    private static List<SourcedLine> lines(int count, long seed) {
        Random random = new Random(seed);
        List<SourcedLine> lines = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            String source = n % 3 == 0 ? SourcedLine.SOCKET : SourcedLine.kafkaSource("hospital-incidents", n % 4, n);
            String error = n % 11 == 0 ? "invalid UTF-8 at byte " + n : null;
            lines.add(new SourcedLine(text(random, n), source, error));
        }
        return lines;
    }

    @Test
    void everyLineComesBackAsKeptInAnyOrder() {
        List<SourcedLine> kept = lines(3_000, 42);
        PackedLines packed = new PackedLines();
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(i, packed.add(kept.get(i)));
        }
        assertEquals(kept.size(), packed.size());
        Random order = new Random(7);
        for (int k = 0; k < 10_000; k++) {
            int i = order.nextInt(kept.size());
            assertEquals(kept.get(i), packed.get(i), "line " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> packed.get(kept.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> packed.get(-1));
    }

    @Test
    void linesOfOnlyLatinOneTakeOneByteAChar() {
        PackedLines packed = new PackedLines();
        long before = packed.estimatedBytes();
        for (int i = 0; i < 1_000; i++) {
            packed.add(new SourcedLine("é".repeat(300), "socket"));
        }
        // 1,000 × (2 + 300 + 1 + 6) bytes fit in five 64 KiB chunks (two bytes a char would need ten); the index
        // arrays grew from 16 lines to 1,024.
        assertEquals(5L * (16 + ByteChunks.CHUNK_BYTES) + 8L * (1024 - 16), packed.estimatedBytes() - before);
    }

    @Test
    void charsEqualAndSizeWithoutMakingTheString() {
        Random random = new Random(3);
        byte[] buffer = new byte[4 * ByteChunks.CHUNK_BYTES];
        for (int n = 0; n < 500; n++) {
            String s = text(random, n);
            int end = PackedChars.write(s, buffer, 11);
            assertEquals(PackedChars.bytes(s), end - 11, s);
            // Writers check their room with the bound alone: an under-count would write past a chunk's end.
            assertTrue(PackedChars.maxBytes(s) >= end - 11, s);
            assertEquals(end - 11, PackedChars.size(buffer, 11));
            assertTrue(PackedChars.equals(buffer, 11, s));
            assertEquals(s, PackedChars.read(buffer, 11));
            if (!s.isEmpty()) {
                // Same length, one char off: a lossy form (UTF-8's '?' for a lone surrogate) would call them equal.
                char last = s.charAt(s.length() - 1);
                assertFalse(PackedChars.equals(buffer, 11, s.substring(0, s.length() - 1) + (char) (last ^ 1)));
            }
        }
    }

    @Test
    void packedLinesSurviveKryo() {
        SerializerInstance kryo = new KryoSerializer(KryoClasses.configure(new SparkConf()
                .set("spark.kryo.registrationRequired", "true"))).newInstance();
        PackedLines packed = new PackedLines();
        List<SourcedLine> kept = lines(300, 9);
        kept.forEach(packed::add);
        PackedLines back = kryo.deserialize(kryo.serialize(packed, ClassTag$.MODULE$.apply(PackedLines.class)),
                ClassTag$.MODULE$.apply(PackedLines.class));
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(kept.get(i), back.get(i));
        }
    }
}

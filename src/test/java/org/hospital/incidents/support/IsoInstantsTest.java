package org.hospital.incidents.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link IsoInstants} writes what {@link Instant#toString()} writes, for every kind of value. */
class IsoInstantsTest {

    private static void same(long millis) {
        String expected = Instant.ofEpochMilli(millis).toString();
        assertEquals(expected, IsoInstants.format(millis), "millis " + millis);
        assertEquals("x" + expected, IsoInstants.appendTo(new StringBuilder("x"), millis).toString());
    }

    @Test
    void edgesOfDaysYearsAndTheFastRange() {
        long[] values = {0, 1, 999, 1000, -1, -1000, -1001, 86_399_999, 86_400_000, 951_782_400_000L,
            1_763_712_005_000L, 1_763_712_005_500L, 1_763_712_005_050L, 1_763_712_005_007L,
            -30_610_224_000_000L, -30_610_224_000_001L, 253_402_300_799_999L, 253_402_300_800_000L,
            Long.MAX_VALUE / 1000, Long.MIN_VALUE / 1000, -62_135_596_800_000L};
        for (long millis : values) {
            same(millis);
        }
    }

    @Test
    void randomInstantsOverTheWholeRange() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            same(random.nextLong(-40_000_000_000_000L, 260_000_000_000_000L));
            // Window starts: whole multiples of a slide interval.
            same(random.nextLong(0, 4_000_000_000L) * 5_000L);
        }
    }
}

package org.hospital.incidents.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.hospital.incidents.parse.Pseudonymizer;

/** Pseudonymisation keys for tests, as files (the job never holds a key in memory it could checkpoint). */
public final class TestKeys {

    /** RFC 4231 test case 1 key: 20 bytes of 0x0b. HMAC-SHA256(key, "Hi There") = b0344c61d8db3853…. */
    public static final byte[] RFC4231_KEY = filled(20, (byte) 0x0b);

    private static Path shared;

    private TestKeys() {
    }

    /** @return a key file holding {@link #RFC4231_KEY}, made once per JVM */
    public static synchronized Path file() {
        if (shared == null) {
            try {
                shared = Files.createTempFile("pseudonym-test", ".key");
                Files.write(shared, RFC4231_KEY);
                shared.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** @return a pseudonymizer over {@link #file()} */
    public static Pseudonymizer pseudonymizer() {
        return new Pseudonymizer(file().toString());
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}

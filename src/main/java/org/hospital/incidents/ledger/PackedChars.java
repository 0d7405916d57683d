package org.hospital.incidents.ledger;

import java.nio.charset.StandardCharsets;

/**
 * Strings packed into a byte array, with no object per string: the ledger's eventIds ({@link LedgerShard}) and a
 * batch's kept lines ({@code PackedLines}).
 *
 * <p>Form of one string at {@code at}: a header, its length in chars shifted left by one plus 1 when it is
 * <em>wide</em>, as a varint (7 bits a byte, low first, high bit set on all but the last), then its chars: one byte
 * each when every char is at most U+00FF, else two (big-endian). Lossless for every Java string, lone surrogates
 * included; UTF-8 would turn those into '?' and make two eventIds one.
 *
 * <p>Why: the garbage collector copies and traces objects, not bytes. A string as an object is two (the
 * {@code String} and its array); a hundred thousand kept per batch was most of what each young collection had to copy
 * (docs/PERFORMANCE.md).
 */
public final class PackedChars {

    private PackedChars() {
    }

    /**
     * @param s a string
     * @return bytes {@link #write} takes for it, header included
     */
    public static int bytes(String s) {
        int length = s.length();
        boolean wide = isWide(s);
        int header = length << 1 | (wide ? 1 : 0);
        int headerBytes = 1;
        while ((header & ~0x7F) != 0) {
            header >>>= 7;
            headerBytes++;
        }
        return headerBytes + (wide ? 2 * length : length);
    }

    /**
     * An upper bound of {@link #bytes}, found without reading the string: a writer checks its room with this and
     * then writes at once, so each string is scanned once (the header is at most 5 bytes, a char at most 2).
     *
     * @param s a string
     * @return at least the bytes {@link #write} takes for it
     */
    public static int maxBytes(String s) {
        return 5 + 2 * s.length();
    }

    /**
     * Writes {@code s} at {@code at}.
     *
     * @param s a string
     * @param to the array, with at least {@link #bytes(String)} bytes from {@code at}
     * @param at where to write
     * @return where the written form ends
     */
    public static int write(String s, byte[] to, int at) {
        int length = s.length();
        boolean wide = isWide(s);
        int header = length << 1 | (wide ? 1 : 0);
        while ((header & ~0x7F) != 0) {
            to[at++] = (byte) (header & 0x7F | 0x80);
            header >>>= 7;
        }
        to[at++] = (byte) header;
        if (!wide) {
            // String.getBytes into a slice of the array would make an array of its own first; one byte a char here.
            for (int i = 0; i < length; i++) {
                to[at++] = (byte) s.charAt(i);
            }
            return at;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            to[at++] = (byte) (c >>> 8);
            to[at++] = (byte) c;
        }
        return at;
    }

    /**
     * @param from the array
     * @param at where a string's form starts
     * @return the string
     */
    public static String read(byte[] from, int at) {
        long header = header(from, at);
        int length = length(header);
        int chars = start(header);
        if (!wide(header)) {
            return new String(from, chars, length, StandardCharsets.ISO_8859_1);
        }
        char[] read = new char[length];
        for (int i = 0; i < length; i++) {
            read[i] = wideChar(from, chars + 2 * i);
        }
        return new String(read);
    }

    /**
     * @param from the array
     * @param at where a string's form starts
     * @param s a string
     * @return whether the string there is {@code s}, compared without making it
     */
    public static boolean equals(byte[] from, int at, String s) {
        long header = header(from, at);
        int length = length(header);
        if (length != s.length()) {
            return false;
        }
        int chars = start(header);
        boolean wide = wide(header);
        for (int i = 0; i < length; i++) {
            int c = wide ? wideChar(from, chars + 2 * i) : from[chars + i] & 0xFF;
            if (c != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param from the array
     * @param at where a string's form starts
     * @return bytes the form takes, header included
     */
    public static int size(byte[] from, int at) {
        long header = header(from, at);
        return start(header) - at + (wide(header) ? 2 : 1) * length(header);
    }

    /**
     * Copies the chars of the string packed at {@code at} as one byte each, when it is narrow, at most
     * {@code to.length} chars long and all ASCII (U+0000 to U+007F): how a checkpoint writer copies an eventId out
     * without making a {@code String} ({@link LedgerShardKryoForm}).
     *
     * @param from the array
     * @param at where a string's form starts
     * @param to receives the chars from index 0
     * @return how many chars were copied, or -1 when the string is wide, longer than {@code to} or not all ASCII
     */
    public static int copyAscii(byte[] from, int at, byte[] to) {
        long header = header(from, at);
        int length = length(header);
        if (wide(header) || length > to.length) {
            return -1;
        }
        int chars = start(header);
        for (int i = 0; i < length; i++) {
            byte b = from[chars + i];
            if (b < 0) {
                return -1;
            }
            to[i] = b;
        }
        return length;
    }

    /** @return whether {@code s} has a char above U+00FF, so needs two bytes a char */
    private static boolean isWide(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes the header at {@code at}.
     *
     * @return the header value (length in chars shifted left by one, plus 1 when wide) in the low 32 bits, and where
     *     the chars start in the high 32; read with {@link #length}, {@link #wide} and {@link #start}
     */
    private static long header(byte[] from, int at) {
        int header = 0;
        int shift = 0;
        byte b;
        do {
            b = from[at++];
            header |= (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return (long) at << 32 | header & 0xFFFFFFFFL;
    }

    private static int length(long header) {
        return (int) header >>> 1;
    }

    private static boolean wide(long header) {
        return (header & 1) != 0;
    }

    private static int start(long header) {
        return (int) (header >>> 32);
    }

    private static char wideChar(byte[] from, int at) {
        return (char) ((from[at] & 0xFF) << 8 | from[at + 1] & 0xFF);
    }
}

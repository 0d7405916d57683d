package org.hospital.incidents.model;

import java.nio.charset.StandardCharsets;

/**
 * Strings packed into a byte array, with no object per string: the ledger's eventIds ({@link LedgerShard}) and a
 * batch's kept lines ({@link PackedLines}).
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
        boolean wide = false;
        for (int i = 0; i < length && !wide; i++) {
            wide = s.charAt(i) > 0xFF;
        }
        int header = length << 1 | (wide ? 1 : 0);
        int headerBytes = 1;
        while ((header & ~0x7F) != 0) {
            header >>>= 7;
            headerBytes++;
        }
        return headerBytes + (wide ? 2 * length : length);
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
        boolean wide = false;
        for (int i = 0; i < length && !wide; i++) {
            wide = s.charAt(i) > 0xFF;
        }
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
     * @return its header (length in chars shifted left by one, plus 1 when wide) in the low 32 bits, and where its
     *     chars start in the high 32
     */
    public static long header(byte[] from, int at) {
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

    /**
     * @param from the array
     * @param at where a string's form starts
     * @return the string
     */
    public static String read(byte[] from, int at) {
        long read = header(from, at);
        int header = (int) read;
        at = (int) (read >>> 32);
        int length = header >>> 1;
        if ((header & 1) == 0) {
            return new String(from, at, length, StandardCharsets.ISO_8859_1);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ((from[at + 2 * i] & 0xFF) << 8 | from[at + 2 * i + 1] & 0xFF);
        }
        return new String(chars);
    }

    /**
     * @param from the array
     * @param at where a string's form starts
     * @param s a string
     * @return whether the string there is {@code s}, compared without making it
     */
    public static boolean equals(byte[] from, int at, String s) {
        long read = header(from, at);
        int header = (int) read;
        at = (int) (read >>> 32);
        int length = header >>> 1;
        if (length != s.length()) {
            return false;
        }
        if ((header & 1) == 0) {
            for (int i = 0; i < length; i++) {
                if ((from[at + i] & 0xFF) != s.charAt(i)) {
                    return false;
                }
            }
        } else {
            for (int i = 0; i < length; i++) {
                int c = (from[at + 2 * i] & 0xFF) << 8 | from[at + 2 * i + 1] & 0xFF;
                if (c != s.charAt(i)) {
                    return false;
                }
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
        long read = header(from, at);
        int header = (int) read;
        return (int) (read >>> 32) - at + ((header & 1) == 0 ? header >>> 1 : header & ~1);
    }
}

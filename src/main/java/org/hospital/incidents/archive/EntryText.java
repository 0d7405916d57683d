package org.hospital.incidents.archive;

import java.io.Writer;
import java.util.Arrays;

/**
 * The reusable text buffer an archive entry is rendered into by Gson's {@code JsonWriter}: a growing {@code char[]},
 * unsynchronized, that copies strings in with {@link String#getChars} (one bulk copy).
 *
 * <p>Why not a library writer: commons-io's {@code StringBuilderWriter}, used before, appends through
 * {@code StringBuilder.append(CharSequence, int, int)}, which on Java 17 copies char by char, and once one entry held
 * a char above U+00FF the reused builder stayed two bytes a char for every later entry; in a JFR recording of a
 * backlog run with the archive on, Gson's string writes into it stood out (docs/PERFORMANCE.md "Why the code is
 * shaped this way"). {@link java.io.CharArrayWriter} copies in bulk but takes a lock on every one of the writer's
 * dozens of calls per entry.
 */
final class EntryText extends Writer {

    private char[] chars = new char[1024];
    private int length;

    @Override
    public void write(int c) {
        ensure(1);
        chars[length++] = (char) c;
    }

    @Override
    public void write(char[] from, int offset, int count) {
        ensure(count);
        System.arraycopy(from, offset, chars, length, count);
        length += count;
    }

    @Override
    public void write(String from, int offset, int count) {
        ensure(count);
        from.getChars(offset, offset + count, chars, length);
        length += count;
    }

    @Override
    public void flush() {
        // Nothing is buffered beyond the chars themselves.
    }

    @Override
    public void close() {
        // Reused entry after entry; never closed.
    }

    /** Empties the buffer, keeping its capacity. */
    void reset() {
        length = 0;
    }

    /** @return chars written since the last {@link #reset} */
    int length() {
        return length;
    }

    /** @return the buffer; its first {@link #length()} chars are the text */
    char[] chars() {
        return chars;
    }

    /**
     * Replaces a range of the text.
     *
     * @param start first char replaced
     * @param end end of the range replaced, exclusive
     * @param with the new text of the range
     */
    void replace(int start, int end, String with) {
        int tail = length - end;
        int delta = with.length() - (end - start);
        ensure(Math.max(0, delta));
        System.arraycopy(chars, end, chars, end + delta, tail);
        with.getChars(0, with.length(), chars, start);
        length += delta;
    }

    /**
     * @param text text to find
     * @return index of its first occurrence in the text, or -1
     */
    int indexOf(String text) {
        int last = length - text.length();
        for (int at = 0; at <= last; at++) {
            int i = 0;
            while (i < text.length() && chars[at + i] == text.charAt(i)) {
                i++;
            }
            if (i == text.length()) {
                return at;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }

    private void ensure(int more) {
        if (length + more > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + more));
        }
    }
}

package org.hospital.incidents.stream.source;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.hospital.incidents.model.SourcedLine;

/**
 * Turns raw input bytes into {@link SourcedLine}s, checking UTF-8 at the byte level.
 *
 * <p>Both sources hand over bytes (the socket receiver through this class's converter, Kafka through a
 * byte-array deserializer) because a text decoder silently turns invalid bytes into U+FFFD, after which a
 * damaged line and a line that genuinely contains U+FFFD look the same. RFC 3629 defines what is valid;
 * Java's strict decoder applies it (overlong forms, encoded surrogates and bytes 0xF5-0xFF are invalid).
 */
public final class Utf8Lines {

    private static final int BUFFER_BYTES = 64 * 1024;

    private Utf8Lines() {
    }

    /**
     * Decodes one line.
     *
     * @param bytes the line's bytes, without its terminator
     * @param length how many of {@code bytes} belong to the line
     * @param source source label
     * @return the line; when the bytes are not valid UTF-8, its text has U+FFFD for each invalid sequence and
     *     {@link SourcedLine#encodingError()} names the first one, e.g. {@code invalid UTF-8: bytes 0xC3 0x28 at
     *     byte offset 17}
     */
    public static SourcedLine decode(byte[] bytes, int length, String source) {
        return decode(bytes, length, source, Integer.MAX_VALUE);
    }

    /**
     * Decodes one line, or keeps only the first {@code maxLineBytes} of a longer one (docs/DESIGN.md "Privacy and
     * hostile input"): its text is those bytes (a character cut at the limit shown as U+FFFD) and
     * {@link SourcedLine#encodingError()} is {@code line longer than <N> bytes (<L> bytes)}.
     *
     * @param bytes the line's bytes, without its terminator
     * @param length how many of {@code bytes} belong to the line
     * @param source source label
     * @param maxLineBytes the longest line read as a record ({@code max-line-bytes})
     * @return the line
     */
    public static SourcedLine decode(byte[] bytes, int length, String source, int maxLineBytes) {
        if (length > maxLineBytes) {
            return tooLong(bytes, maxLineBytes, length, source);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            StringBuilder reason = new StringBuilder("invalid UTF-8: byte");
            reason.append(result.length() > 1 ? "s" : "");
            for (int i = 0; i < result.length(); i++) {
                reason.append(String.format(" 0x%02X", bytes[offset + i] & 0xFF));
            }
            reason.append(" at byte offset ").append(offset).append(" (U+FFFD in the line shown)");
            return new SourcedLine(new String(bytes, 0, length, StandardCharsets.UTF_8), source, reason.toString());
        }
        out.flip();
        return new SourcedLine(out.toString(), source, null);
    }

    private static SourcedLine tooLong(byte[] firstBytes, int kept, long length, String source) {
        return new SourcedLine(new String(firstBytes, 0, kept, StandardCharsets.UTF_8), source,
                SourcedLine.tooLong(kept, length));
    }

    /**
     * The socket receiver's converter ({@code JavaStreamingContext.socketStream}): newline-delimited lines, a
     * trailing carriage return dropped (CRLF senders), read lazily as they arrive until the stream ends. A line
     * longer than {@code maxLineBytes} is never buffered whole: its first {@code maxLineBytes} are kept, the rest is
     * counted and dropped up to its newline, and it comes out as a line to reject
     * ({@link #decode(byte[], int, String, int)}). Serializable: the receiver, and so this converter, is in the
     * checkpoint.
     *
     * @param maxLineBytes the longest line read as a record ({@code max-line-bytes})
     * @return the converter; its lines are labelled {@link SourcedLine#SOCKET}
     */
    public static org.apache.spark.api.java.function.Function<InputStream, Iterable<SourcedLine>> socketLines(
            int maxLineBytes) {
        return input -> () -> new LineIterator(new BufferedInputStream(input, BUFFER_BYTES), maxLineBytes);
    }

    /** Reads one line ahead; I/O errors end the receiver's iteration, and Spark's receiver restarts it. */
    private static final class LineIterator implements Iterator<SourcedLine> {

        private final InputStream in;
        private final int maxLineBytes;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private SourcedLine next;
        private boolean ended;
        private long length;

        LineIterator(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !ended) {
                next = read();
            }
            return next != null;
        }

        @Override
        public SourcedLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SourcedLine current = next;
            next = null;
            return current;
        }

        private SourcedLine read() {
            line.reset();
            length = 0;
            try {
                int b;
                while ((b = in.read()) != -1) {
                    if (b == '\n') {
                        return toLine();
                    }
                    // Past the limit, only count: one sender must not make the receiver buffer without bound.
                    if (length < maxLineBytes + 1) {
                        line.write(b);
                    }
                    length++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ended = true;
            return length > 0 ? toLine() : null;
        }

        private SourcedLine toLine() {
            byte[] bytes = line.toByteArray();
            long total = length;
            // A CRLF sender's carriage return is not part of the line.
            if (total <= bytes.length && total > 0 && bytes[(int) total - 1] == '\r') {
                total--;
            }
            if (total > maxLineBytes) {
                return tooLong(bytes, maxLineBytes, total, SourcedLine.SOCKET);
            }
            return decode(bytes, (int) total, SourcedLine.SOCKET);
        }
    }
}

package org.hospital.incidents.stream.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hospital.incidents.model.SourcedLine;
import org.junit.jupiter.api.Test;

class Utf8LinesTest {

    private static List<SourcedLine> socket(byte[] bytes) throws Exception {
        List<SourcedLine> lines = new ArrayList<>();
        Utf8Lines.socketLines(1 << 20).call(new ByteArrayInputStream(bytes)).forEach(lines::add);
        return lines;
    }

    /** {@code length} bytes of 'x' without a newline, then {@code tail}; made as read, never held in memory. */
    private static java.io.InputStream hugeLineThen(long length, byte[] tail) {
        return new java.io.InputStream() {
            private long position;

            @Override
            public int read() {
                if (position < length) {
                    position++;
                    return 'x';
                }
                long at = position++ - length;
                return at < tail.length ? tail[(int) at] & 0xFF : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                int n = 0;
                while (n < count) {
                    int b = read();
                    if (b < 0) {
                        return n == 0 ? -1 : n;
                    }
                    buffer[offset + n++] = (byte) b;
                }
                return n;
            }
        };
    }

    @Test
    void aLineLongerThanTheLimitKeepsItsFirstBytesAndItsLengthAndTheLinesAfterItCome() throws Exception {
        // 64 MiB without a newline against a 1 MiB limit (the 512 MiB case runs against the real job in
        // SparkSubmitIT with a driver heap too small to hold it).
        long huge = 64L << 20;
        byte[] tail = "\n{\"eventId\":\"after-1\"}\r\nafter-2\n".getBytes(StandardCharsets.UTF_8);
        List<SourcedLine> lines = new ArrayList<>();
        Utf8Lines.socketLines(1 << 20).call(hugeLineThen(huge, tail)).forEach(lines::add);
        assertEquals(3, lines.size());
        assertEquals("line longer than 1048576 bytes (67108864 bytes)", lines.get(0).encodingError());
        assertEquals(1 << 20, lines.get(0).line().length(), "the first max-line-bytes are kept");
        assertEquals(List.of("{\"eventId\":\"after-1\"}", "after-2"),
                lines.subList(1, 3).stream().map(SourcedLine::line).toList());
        lines.subList(1, 3).forEach(line -> assertNull(line.encodingError()));
    }

    @Test
    void aLineOfExactlyTheLimitIsALineAndOneByteMoreIsNot() throws Exception {
        byte[] limit = new byte[1024];
        java.util.Arrays.fill(limit, (byte) 'a');
        assertNull(Utf8Lines.decode(limit, 1024, "kafka:t/0/1", 1024).encodingError());
        SourcedLine longer = Utf8Lines.decode(new byte[1025], 1025, "kafka:t/0/2", 1024);
        assertEquals("line longer than 1024 bytes (1025 bytes)", longer.encodingError());
        byte[] crlf = new byte[1026];
        java.util.Arrays.fill(crlf, (byte) 'b');
        crlf[1024] = '\r';
        crlf[1025] = '\n';
        List<SourcedLine> lines = new ArrayList<>();
        Utf8Lines.socketLines(1024).call(new ByteArrayInputStream(crlf)).forEach(lines::add);
        assertNull(lines.get(0).encodingError(), "a CRLF line of exactly the limit is not too long");
    }

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutTerminator() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write("{\"a\":\"caf\u00e9\"}\r\n\n{\"b\":\"\uFFFD\"}\nlast".getBytes(StandardCharsets.UTF_8));
        List<SourcedLine> lines = socket(in.toByteArray());
        assertEquals(List.of("{\"a\":\"caf\u00e9\"}", "", "{\"b\":\"\uFFFD\"}", "last"),
                lines.stream().map(SourcedLine::line).toList());
        lines.forEach(line -> assertNull(line.encodingError(), line.line()));
        lines.forEach(line -> assertEquals(SourcedLine.SOCKET, line.source()));
    }

    @Test
    void namesTheFirstInvalidSequenceAndItsByteOffsetAndKeepsTheRestOfTheStream() throws Exception {
        byte[] bytes = {'o', 'k', '\n', 'a', 'b', (byte) 0xC3, 0x28, 'c', (byte) 0xFF, '\n', 'n', 'e', 'x', 't', '\n'};
        List<SourcedLine> lines = socket(bytes);
        assertEquals(3, lines.size());
        assertNull(lines.get(0).encodingError());
        assertEquals("invalid UTF-8: byte 0xC3 at byte offset 2 (U+FFFD in the line shown)",
                lines.get(1).encodingError());
        assertEquals("ab\uFFFD(c\uFFFD", lines.get(1).line());
        assertEquals("next", lines.get(2).line());
        assertNull(lines.get(2).encodingError());
    }

    @Test
    void rejectsOverlongFormsSurrogatesAndTruncatedSequences() throws Exception {
        byte[][] invalid = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2,
            (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] bytes : invalid) {
            SourcedLine line = Utf8Lines.decode(bytes, bytes.length, "kafka:t/0/1");
            assertEquals(true, line.encodingError() != null && line.encodingError().startsWith("invalid UTF-8"),
                    String.valueOf(line.encodingError()));
            assertEquals("kafka:t/0/1", line.source());
        }
    }
}

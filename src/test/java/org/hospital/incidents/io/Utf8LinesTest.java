package org.hospital.incidents.io;

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

    private static List<SourcedLine> socket(byte[] bytes) {
        List<SourcedLine> lines = new ArrayList<>();
        Utf8Lines.socketLines(new ByteArrayInputStream(bytes)).forEach(lines::add);
        return lines;
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
    void namesTheFirstInvalidSequenceAndItsByteOffsetAndKeepsTheRestOfTheStream() {
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
    void rejectsOverlongFormsSurrogatesAndTruncatedSequences() {
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

package org.hospital.incidents.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.hospital.incidents.pipeline.batch.PackedEntries;
import org.hospital.incidents.pipeline.ArchiveEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CodecArchiveEncoder}: parts of several partitions joined in one file read back whole, in order, through the
 * Hadoop codec the file's extension names (as {@code bin/incident-analytics} and {@code hdfs dfs -text} read them),
 * whichever way a part was made: compressed as it goes, deferred for the ledger (with the ledger's replacements), or
 * streamed (the history importer).
 */
class CodecArchiveEncoderTest {

    private static final long BATCH = 1_796_000_000_000L;

    /** Renders one accepted entry the way the parser does: fields into the writer the part hands out. */
    private static void accept(ArchiveEncoder.Part part, String source, String eventId, String description)
            throws IOException {
        JsonWriter incident = part.begin(source);
        incident.beginObject().name("eventId").value(eventId).name("description").value(description).endObject();
        part.accepted();
    }

    private static List<String> readWhole(CodecArchiveEncoder encoder, byte[] file) throws IOException {
        CompressionCodec codec = new CompressionCodecFactory(new Configuration())
                .getCodec(new Path("part-00000" + encoder.extension()));
        List<String> lines = new ArrayList<>();
        try (InputStream in = codec.createInputStream(new ByteArrayInputStream(file));
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().forEach(lines::add);
        }
        return lines;
    }

    private static JsonObject json(String line) {
        return JsonParser.parseString(line).getAsJsonObject();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2"})
    void partsOfEveryKindJoinedInOneFileReadBackWholeInOrder(String codecName) throws IOException {
        CodecArchiveEncoder encoder = new CodecArchiveEncoder(codecName);
        ByteArrayOutputStream file = new ByteArrayOutputStream();

        ArchiveEncoder.Part compressing = encoder.newPart(BATCH);
        for (int i = 0; i < 3_000; i++) {
            accept(compressing, "kafka:t/0/" + i, "A-" + i, "chute près du lit 病棟 " + i);
        }
        compressing.rejected("kafka:t/0/3000", "malformed JSON: x", "{\"eventId\":");
        file.write(compressing.finish());

        ArchiveEncoder.Part deferred = encoder.newDeferredPart(BATCH);
        for (int i = 0; i < 3_000; i++) {
            accept(deferred, "kafka:t/1/" + i, "B-" + i, "fall " + i);
        }
        assertNull(deferred.finish(), "a deferred part is compressed later, by compress");
        PackedEntries rendered = deferred.rendered();
        byte[] settled = encoder.compress(rendered, Map.of(
                1, ArchiveEncoder.amended(rendered.get(1)),
                2, encoder.rejectedEntry(BATCH, "kafka:t/1/2", "duplicate eventId B-2 (first seen 1000)",
                        "{\"eventId\":\"B-2\"}")));
        file.write(settled);

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        ArchiveEncoder.Part streaming = encoder.streamingPart(BATCH, streamed);
        accept(streaming, "import:history.csv:2", "C-1", "from the downtime form");
        assertNull(streaming.finish());
        file.write(streamed.toByteArray());

        List<String> lines = readWhole(encoder, file.toByteArray());
        assertEquals(3_000 + 1 + 3_000 + 1, lines.size());
        assertEquals("chute près du lit 病棟 7", json(lines.get(7)).getAsJsonObject("incident").get("description")
                .getAsString());
        assertEquals("rejected", json(lines.get(3_000)).get("status").getAsString());
        assertEquals("accepted", json(lines.get(3_001)).get("status").getAsString());
        assertEquals("amended", json(lines.get(3_002)).get("status").getAsString());
        assertEquals("duplicate eventId B-2 (first seen 1000)", json(lines.get(3_003)).get("reason").getAsString());
        assertEquals("B-2999", json(lines.get(6_000)).getAsJsonObject("incident").get("eventId").getAsString());
        assertEquals("C-1", json(lines.get(6_001)).getAsJsonObject("incident").get("eventId").getAsString());
        for (String line : lines) {
            assertEquals(BATCH, json(line).get("batchTime").getAsLong());
        }
    }

    @Test
    void gzipPartsAreStandardGzipMembersThatZcatReadsAsOneStream() throws IOException {
        CodecArchiveEncoder encoder = new CodecArchiveEncoder("gzip");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int p = 0; p < 3; p++) {
            ArchiveEncoder.Part part = encoder.newPart(BATCH);
            accept(part, "socket", "E-" + p, "d");
            file.write(part.finish());
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(file.toByteArray())), StandardCharsets.UTF_8))) {
            reader.lines().forEach(lines::add);
        }
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains("\"eventId\":\"E-2\""), lines.get(2));
    }
}

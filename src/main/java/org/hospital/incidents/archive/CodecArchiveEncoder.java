package org.hospital.incidents.archive;

import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.output.StringBuilderWriter;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.hospital.incidents.pipeline.ArchiveEncoder;
import org.hospital.incidents.support.HadoopConfs;

/**
 * Archive entries as JSON lines compressed with a Hadoop codec (config key {@code archive.codec}): {@code gzip}
 * (default, {@code .gz}) or {@code bzip2} ({@code .bz2}). Both allow several compressed streams one after the
 * other in one file, which is how the batch's write task joins the parts of the partitions; {@code zcat},
 * {@code bzcat} and {@code hdfs dfs -text} read such files whole.
 *
 * <p>Entry shapes (DESIGN.md "Archive"): {@code {"batchTime","source","status":"accepted","incident":{…}}}
 * (status {@code requalified} for a re-qualification record) and
 * {@code {"batchTime","source","status":"rejected","reason","line"}}.
 */
public final class CodecArchiveEncoder implements ArchiveEncoder {

    private static final long serialVersionUID = 1L;

    /** Codecs whose streams may be concatenated in one file and still be read whole. */
    public static final List<String> CODECS = List.of("gzip", "bzip2");

    private final String codecName;

    /** @param codecName one of {@link #CODECS} */
    public CodecArchiveEncoder(String codecName) {
        if (!CODECS.contains(codecName)) {
            throw new IllegalArgumentException("archive codec must be one of " + CODECS + ", got '" + codecName + "'");
        }
        this.codecName = codecName;
    }

    /** @return the file extension of the codec, e.g. {@code .gz} */
    public String extension() {
        return "gzip".equals(codecName) ? ".gz" : ".bz2";
    }

    @Override
    public Part newPart(long batchTimeMillis) throws IOException {
        return new CodecPart(codec(), batchTimeMillis, null);
    }

    @Override
    public Part newDeferredPart(long batchTimeMillis) throws IOException {
        CodecPart part = new CodecPart(codec(), batchTimeMillis, null);
        part.kept = new ArrayList<>();
        return part;
    }

    @Override
    public String rejectedEntry(long batchTimeMillis, String source, String reason, String line) {
        StringBuilderWriter text = new StringBuilderWriter(line.length() + reason.length() + 96);
        try {
            JsonWriter entry = new JsonWriter(text);
            entry.setHtmlSafe(false);
            entry.beginObject();
            entry.name("batchTime").value(batchTimeMillis);
            entry.name("source").value(source);
            entry.name("status").value("rejected");
            entry.name("reason").value(reason);
            entry.name("line").value(line);
            entry.endObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a string writer does not fail", e);
        }
        return text.toString();
    }

    @Override
    public byte[] compress(List<String> entries) throws IOException {
        if (entries == null || entries.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (Writer text = new OutputStreamWriter(codec().createOutputStream(bytes), StandardCharsets.UTF_8)) {
            for (String entry : entries) {
                text.append(entry).append('\n');
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A part that compresses its entries straight into a stream instead of memory, for a writer that holds one file
     * open for many entries (the history importer: a million rows in constant memory).
     *
     * @param batchTimeMillis the {@code batchTime} of every entry, epoch millis
     * @param out where the compressed entries go; {@link Part#finish()} closes it and returns null
     * @return a new, empty part
     * @throws IOException when the codec cannot be set up
     */
    public Part streamingPart(long batchTimeMillis, OutputStream out) throws IOException {
        return new CodecPart(codec(), batchTimeMillis, out);
    }

    private CompressionCodec codec() throws IOException {
        CompressionCodec codec = new CompressionCodecFactory(HadoopConfs.current())
                .getCodecByName(codecName);
        if (codec == null) {
            throw new IOException("Hadoop has no codec named " + codecName);
        }
        return codec;
    }

    /** One partition's entries, compressed as they come. */
    private static final class CodecPart implements Part {

        private static final String REQUALIFIED_STATUS = "\"status\":\"requalified\"";

        private final ByteArrayOutputStream bytes;
        private final OutputStream target;
        private final CompressionCodec codec;
        private final long batchTimeMillis;
        private OutputStream compressed;
        private final StringBuilderWriter line = new StringBuilderWriter(1024);
        private Writer text;
        private JsonWriter entry;
        private long entries;
        /** A deferred part's entries (not compressed), else null. */
        private List<String> kept;

        CodecPart(CompressionCodec codec, long batchTimeMillis, OutputStream target) {
            this.bytes = target == null ? new ByteArrayOutputStream(1 << 16) : null;
            this.target = target == null ? bytes : target;
            this.codec = codec;
            this.batchTimeMillis = batchTimeMillis;
        }

        @Override
        public JsonWriter begin(String source) throws IOException {
            return start(source, "accepted").name("incident");
        }

        @Override
        public void accepted() throws IOException {
            entry.endObject();
            end();
        }

        @Override
        public void requalified() throws IOException {
            entry.endObject();
            // The status was written before the parser knew what the line was; it sits at a fixed place near the
            // start of the buffer ({"batchTime":…,"source":"…","status":"accepted"), found by its first occurrence.
            StringBuilder builder = line.getBuilder();
            int at = builder.indexOf(ACCEPTED_STATUS);
            builder.replace(at, at + ACCEPTED_STATUS.length(), REQUALIFIED_STATUS);
            end();
        }

        @Override
        public void rejected(String source, String reason, String rawLine) throws IOException {
            start(source, "rejected");
            entry.name("reason").value(reason);
            entry.name("line").value(rawLine);
            entry.endObject();
            end();
        }

        /** Starts an entry in the reusable line buffer (an unsynchronized one: JsonWriter writes char by char). */
        private JsonWriter start(String source, String status) throws IOException {
            line.getBuilder().setLength(0);
            entry = new JsonWriter(line);
            entry.setHtmlSafe(false);
            entry.beginObject();
            entry.name("batchTime").value(batchTimeMillis);
            entry.name("source").value(source);
            entry.name("status").value(status);
            return entry;
        }

        private void end() throws IOException {
            if (kept != null) {
                kept.add(line.getBuilder().toString());
                entries++;
                return;
            }
            if (text == null) {
                compressed = codec.createOutputStream(target);
                text = new OutputStreamWriter(compressed, StandardCharsets.UTF_8);
            }
            text.append(line.getBuilder()).append('\n');
            entries++;
        }

        @Override
        public long entries() {
            return entries;
        }

        @Override
        public List<String> rendered() {
            return kept;
        }

        @Override
        public byte[] finish() throws IOException {
            if (text == null) {
                if (bytes == null) {
                    target.close();
                }
                return null;
            }
            text.close();
            return bytes == null ? null : bytes.toByteArray();
        }
    }
}

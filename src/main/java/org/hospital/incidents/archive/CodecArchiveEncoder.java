package org.hospital.incidents.archive;

import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.hospital.incidents.pipeline.batch.PackedEntries;
import org.hospital.incidents.pipeline.ArchiveEncoder;
import org.hospital.incidents.support.HadoopConfs;

/**
 * Archive entries as JSON lines, compressed as config key {@code archive.codec} names: {@code gzip} (default,
 * {@code .gz}, the JDK's deflater at its fastest level, see {@link #open}) or {@code bzip2} ({@code .bz2}, Hadoop's
 * codec). Both allow several compressed streams one after the other in one file, which is how the batch's write task
 * joins the parts of the partitions; {@code zcat}, {@code bzcat}, Hadoop's codecs and {@code hdfs dfs -text} read
 * such files whole.
 *
 * <p>Entry shapes (DESIGN.md "Archive"): {@code {"batchTime","source","status":"accepted","incident":{…}}}
 * (status {@code requalified} for a re-qualification record) and
 * {@code {"batchTime","source","status":"rejected","reason","line"}}.
 */
public final class CodecArchiveEncoder implements ArchiveEncoder {

    private static final long serialVersionUID = 1L;

    /** Codecs whose streams may be concatenated in one file and still be read whole. */
    public static final List<String> CODECS = List.of("gzip", "bzip2");

    private static final String GZIP = "gzip";

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
        return GZIP.equals(codecName) ? ".gz" : ".bz2";
    }

    @Override
    public Part newPart(long batchTimeMillis) throws IOException {
        return new CodecPart(this, batchTimeMillis, null);
    }

    @Override
    public Part newDeferredPart(long batchTimeMillis) throws IOException {
        CodecPart part = new CodecPart(this, batchTimeMillis, null);
        part.kept = new PackedEntries();
        return part;
    }

    @Override
    public String rejectedEntry(long batchTimeMillis, String source, String reason, String line) {
        EntryText text = new EntryText();
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
    public byte[] compress(PackedEntries entries, Map<Integer, String> replaced) throws IOException {
        if (entries == null || entries.size() == 0) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (OutputStream compressed = open(bytes)) {
            entries.writeTo(compressed, replaced);
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
        return new CodecPart(this, batchTimeMillis, out);
    }

    /**
     * Opens one compressed stream of the codec over {@code target}; closing it ends the compressed stream and closes
     * {@code target}. Gzip is written by the JDK's deflater at {@link Deflater#BEST_SPEED}
     * (the Hadoop codec's pure-Java gzip stream, all there is without Hadoop's native library, takes no level and
     * writes level 6). On the archive's JSON, level 1 compresses about 7.7 to 1 against 9.7 at level 6 and is about
     * 2.6 times as fast; at level 6 the compression was the largest single cost of a backlog batch with the shipped
     * default (docs/PERFORMANCE.md "Why the code is shaped this way"). Any gzip reader reads it: {@code zcat}, Hadoop's
     * codec, the analytics job. Bzip2 (the smaller, slower choice) is Hadoop's codec.
     *
     * @param target where the compressed bytes go
     * @return the compressing stream
     * @throws IOException when the codec cannot be set up
     */
    OutputStream open(OutputStream target) throws IOException {
        if (GZIP.equals(codecName)) {
            return new FastGzipStream(target);
        }
        return codec().createOutputStream(target);
    }

    /** A gzip stream at {@link Deflater#BEST_SPEED}, with a 64 KiB buffer (the JDK's default is 512 bytes). */
    private static final class FastGzipStream extends GZIPOutputStream {

        FastGzipStream(OutputStream target) throws IOException {
            super(target, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
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
        private final CodecArchiveEncoder encoder;
        private final long batchTimeMillis;
        private OutputStream compressed;
        private final EntryText line = new EntryText();
        private Writer text;
        private JsonWriter entry;
        private long entries;
        /** A deferred part's entries (not compressed), else null. */
        private PackedEntries kept;

        CodecPart(CodecArchiveEncoder encoder, long batchTimeMillis, OutputStream target) {
            this.bytes = target == null ? new ByteArrayOutputStream(1 << 16) : null;
            this.target = target == null ? bytes : target;
            this.encoder = encoder;
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
            int at = line.indexOf(ACCEPTED_STATUS);
            line.replace(at, at + ACCEPTED_STATUS.length(), REQUALIFIED_STATUS);
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

        /** Starts an entry in the reusable line buffer (an unsynchronized one: JsonWriter writes piece by piece). */
        private JsonWriter start(String source, String status) throws IOException {
            line.reset();
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
                kept.add(line.chars(), line.length());
                entries++;
                return;
            }
            if (text == null) {
                compressed = encoder.open(target);
                text = new OutputStreamWriter(compressed, StandardCharsets.UTF_8);
            }
            text.write(line.chars(), 0, line.length());
            text.write('\n');
            entries++;
        }

        @Override
        public long entries() {
            return entries;
        }

        @Override
        public PackedEntries rendered() {
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

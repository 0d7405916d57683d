package org.hospital.incidents.pipeline.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A partition's rendered archive entries, kept as the archive file will hold them: UTF-8, each followed by
 * {@code '\n'}, one after the other in a few byte arrays, until the incident ledger has decided their status
 * (docs/DESIGN.md "Archive" and "The incident ledger").
 *
 * <p>Why: with the ledger on, every accepted line's entry waits through the ledger's stages before it is compressed.
 * As a {@code String} each (two objects of about 500 bytes, a hundred thousand to two hundred thousand a backlog
 * batch), they were what the batch's young collections copied, as the kept lines had been ({@link PackedLines}); and
 * the compressor then encoded each string again. Here an entry is encoded once, when it is added, and the
 * compressor reads long runs of bytes ({@link #writeTo}), substituting the few entries the ledger changed (an
 * amendment's status, a duplicate's rejection).
 *
 * <p>Encoding: UTF-8 with every unpaired surrogate written as {@code '?'}, as {@link java.io.OutputStreamWriter}
 * writes it, so the bytes are those the archive had when it encoded strings. An entry never spans two chunks.
 * Filled by one task, then read only.
 */
public final class PackedEntries implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ByteChunks chunks = new ByteChunks();
    // Only while the entries are added, in the task that adds them.
    private transient CharsetEncoder encoder;

    /**
     * Adds an entry.
     *
     * @param chars holds the entry's text (one JSON object, no line break) from index 0
     * @param length the entry's length, chars
     * @return its index, counted from 0
     */
    public int add(char[] chars, int length) {
        // At most 3 bytes a char in UTF-8 (a surrogate pair takes 4 for 2 chars), plus the line break: with this much
        // room the encoder cannot overflow.
        byte[] chunk = chunks.reserve(3 * length + 1);
        if (encoder == null) {
            encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        ByteBuffer out = ByteBuffer.wrap(chunk, chunks.writeAt(), chunk.length - chunks.writeAt());
        encoder.reset();
        CoderResult result = encoder.encode(CharBuffer.wrap(chars, 0, length), out, true);
        if (!result.isUnderflow() || !encoder.flush(out).isUnderflow()) {
            throw new IllegalStateException("an archive entry did not fit its own bound: " + result);
        }
        out.put((byte) '\n');
        return chunks.add(out.position());
    }

    /**
     * @param index an entry's index, from {@link #add}
     * @return the entry as text, without its line break (a new string each call)
     * @throws IndexOutOfBoundsException when no entry has that index
     */
    public String get(int index) {
        if (index < 0 || index >= chunks.size()) {
            throw new IndexOutOfBoundsException("entry " + index + " of " + chunks.size());
        }
        int start = chunks.startOf(index);
        return new String(chunks.chunk(index), start, chunks.endOf(index) - start - 1, StandardCharsets.UTF_8);
    }

    /** @return entries added */
    public int size() {
        return chunks.size();
    }

    /**
     * Writes every entry in order, each followed by {@code '\n'}: unchanged entries as the runs of bytes they are
     * stored in, a replaced one as its replacement, encoded the same way.
     *
     * @param out where the bytes go (a codec's stream)
     * @param replaced entries to write differently, by index (text without a line break); none is empty
     * @throws IOException from {@code out}
     */
    public void writeTo(OutputStream out, Map<Integer, String> replaced) throws IOException {
        // A run: entries that follow one another in one chunk, none replaced, written at once.
        int runFirst = -1;
        for (int i = 0; i < chunks.size(); i++) {
            String replacement = replaced.isEmpty() ? null : replaced.get(i);
            if (replacement == null && runFirst >= 0 && chunks.followsPrevious(i)) {
                continue;
            }
            writeRun(out, runFirst, i);
            runFirst = replacement == null ? i : -1;
            if (replacement != null) {
                out.write((replacement + '\n').getBytes(StandardCharsets.UTF_8));
            }
        }
        writeRun(out, runFirst, chunks.size());
    }

    /** Writes entries {@code first} (none when negative) to {@code end}, exclusive, one run of one chunk. */
    private void writeRun(OutputStream out, int first, int end) throws IOException {
        if (first >= 0) {
            int start = chunks.startOf(first);
            out.write(chunks.chunk(first), start, chunks.endOf(end - 1) - start);
        }
    }

    /** @return heap bytes, for Spark's memory store: the chunks and their index */
    public long estimatedBytes() {
        return chunks.estimatedBytes();
    }
}

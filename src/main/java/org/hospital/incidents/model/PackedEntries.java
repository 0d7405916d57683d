package org.hospital.incidents.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** Chunk size, bytes: under G1's humongous threshold, as {@link PackedLines#CHUNK_BYTES}. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final ArrayList<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;
    /** Per entry: its chunk's index, and where its bytes start and end (the end after its {@code '\n'}). */
    private int[] chunkOf = new int[16];
    private int[] startOf = new int[16];
    private int[] endOf = new int[16];
    private int size;
    private long bytes;
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
        int need = 3 * length + 1;
        if (current == null || used + need > current.length) {
            current = new byte[Math.max(CHUNK_BYTES, need)];
            chunks.add(current);
            used = 0;
            bytes += 16 + current.length;
        }
        if (size == chunkOf.length) {
            chunkOf = Arrays.copyOf(chunkOf, size * 2);
            startOf = Arrays.copyOf(startOf, size * 2);
            endOf = Arrays.copyOf(endOf, size * 2);
        }
        if (encoder == null) {
            encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        ByteBuffer out = ByteBuffer.wrap(current, used, current.length - used);
        encoder.reset();
        CoderResult result = encoder.encode(CharBuffer.wrap(chars, 0, length), out, true);
        if (!result.isUnderflow() || !encoder.flush(out).isUnderflow()) {
            throw new IllegalStateException("an archive entry did not fit its own bound: " + result);
        }
        out.put((byte) '\n');
        chunkOf[size] = chunks.size() - 1;
        startOf[size] = used;
        endOf[size] = out.position();
        used = out.position();
        return size++;
    }

    /**
     * @param index an entry's index, from {@link #add}
     * @return the entry as text, without its line break (a new string each call)
     * @throws IndexOutOfBoundsException when no entry has that index
     */
    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("entry " + index + " of " + size);
        }
        return new String(chunks.get(chunkOf[index]), startOf[index], endOf[index] - startOf[index] - 1,
                StandardCharsets.UTF_8);
    }

    /** @return entries added */
    public int size() {
        return size;
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
        int runChunk = -1;
        int runStart = 0;
        int runEnd = 0;
        for (int i = 0; i < size; i++) {
            String replacement = replaced.isEmpty() ? null : replaced.get(i);
            if (replacement == null && chunkOf[i] == runChunk && startOf[i] == runEnd) {
                runEnd = endOf[i];
                continue;
            }
            if (runChunk >= 0 && runEnd > runStart) {
                out.write(chunks.get(runChunk), runStart, runEnd - runStart);
            }
            if (replacement == null) {
                runChunk = chunkOf[i];
                runStart = startOf[i];
                runEnd = endOf[i];
            } else {
                out.write((replacement + '\n').getBytes(StandardCharsets.UTF_8));
                runChunk = -1;
            }
        }
        if (runChunk >= 0 && runEnd > runStart) {
            out.write(chunks.get(runChunk), runStart, runEnd - runStart);
        }
    }

    /** @return heap bytes, for Spark's memory store: the chunks and the three index arrays */
    public long estimatedBytes() {
        return 64 + bytes + 12L * chunkOf.length;
    }
}

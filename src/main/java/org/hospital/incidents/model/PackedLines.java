package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * A partition's kept lines (each with its source), packed into a few byte arrays instead of an object per line.
 *
 * <p>Why: with the incident ledger on, a batch keeps every accepted line until the ledger has decided (a duplicate's
 * line goes to {@code rejected/}). As {@link SourcedLine}s that is five objects a line, a hundred thousand lines a
 * backlog batch, all alive through the batch's young collections, which copied and traced them each time; packed,
 * the collector copies a few 64 KiB arrays (docs/PERFORMANCE.md, "Fewer objects alive"). A line is made again only when
 * it is asked for, which the ledger makes rare (duplicates, refusals, amendments with the archive on).
 *
 * <p>Each line and its source are stored one after the other in one chunk, in {@link PackedChars}' lossless form.
 * Filled by one task, then read only.
 */
public final class PackedLines implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Chunk size, bytes: under G1's humongous threshold (half a region: 512 KiB at the smallest region size). */
    static final int CHUNK_BYTES = 64 * 1024;

    private final ArrayList<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;
    /** Per line: its chunk's index and where its form starts in it. */
    private int[] chunkOf = new int[16];
    private int[] startOf = new int[16];
    private int size;
    /** The rare lines that carry an encoding error ({@link SourcedLine#encodingError()}), by index. */
    private HashMap<Integer, String> encodingErrors;
    private long bytes;

    /**
     * Keeps a line.
     *
     * @param line the line and its source (neither null)
     * @return its index, counted from 0
     */
    public int add(SourcedLine line) {
        String text = line.line();
        String source = line.source();
        // An upper bound, so each string is scanned once, by write; the few bytes it over-counts stay unused.
        int need = PackedChars.maxBytes(text) + PackedChars.maxBytes(source);
        if (current == null || used + need > current.length) {
            current = new byte[Math.max(CHUNK_BYTES, need)];
            chunks.add(current);
            used = 0;
            bytes += 16 + current.length;
        }
        if (size == chunkOf.length) {
            chunkOf = Arrays.copyOf(chunkOf, size * 2);
            startOf = Arrays.copyOf(startOf, size * 2);
        }
        chunkOf[size] = chunks.size() - 1;
        startOf[size] = used;
        used = PackedChars.write(source, current, PackedChars.write(text, current, used));
        if (line.encodingError() != null) {
            if (encodingErrors == null) {
                encodingErrors = new HashMap<>();
            }
            encodingErrors.put(size, line.encodingError());
        }
        return size++;
    }

    /**
     * @param index a line's index, from {@link #add}
     * @return the line as it was kept (a new object each call)
     * @throws IndexOutOfBoundsException when no line has that index
     */
    public SourcedLine get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("line " + index + " of " + size);
        }
        byte[] chunk = chunks.get(chunkOf[index]);
        int at = startOf[index];
        String text = PackedChars.read(chunk, at);
        String source = PackedChars.read(chunk, at + PackedChars.size(chunk, at));
        return new SourcedLine(text, source, encodingErrors == null ? null : encodingErrors.get(index));
    }

    /** @return lines kept */
    public int size() {
        return size;
    }

    /** @return heap bytes, for Spark's memory store: the chunks and the two index arrays */
    public long estimatedBytes() {
        return 64 + bytes + 8L * chunkOf.length;
    }
}

package org.hospital.incidents.pipeline.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Items of bytes kept one after another in 64 KiB arrays, each item whole in one array, with where each starts and
 * ends: the storage under {@link PackedLines} (a batch's kept lines) and {@link PackedEntries} (its archive entries).
 *
 * <p>Why: the garbage collector copies and traces objects, not bytes; a few large arrays instead of an object per
 * item is what keeps a backlog batch's young collections short (docs/PERFORMANCE.md, "Fewer objects alive").
 *
 * <p>Use: {@link #reserve} with an upper bound of the item's bytes, write them into the returned array from
 * {@link #writeAt()}, then {@link #add} with where they stopped. Filled by one task, then read only. The accessors
 * do not check the index: the classes above do, with their own words.
 */
public final class ByteChunks implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Chunk size, bytes: under G1's humongous threshold (half a region: 512 KiB at the smallest region size). */
    static final int CHUNK_BYTES = 64 * 1024;

    private final ArrayList<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;
    /**
     * Per item: its chunk's index and where its bytes start. Its end is the next item's start in the same chunk, else
     * where the chunk's bytes end ({@link #chunkEnds}): items follow one another with no gap.
     */
    private int[] chunkOf = new int[16];
    private int[] startOf = new int[16];
    /** Per chunk: where its last item's bytes end. */
    private int[] chunkEnds = new int[4];
    private int size;
    private long bytes;

    /**
     * Makes room for the next item.
     *
     * @param maxBytes at most how many bytes the item takes (a larger item gets a chunk of its own)
     * @return the array to write the item into, from {@link #writeAt()}
     */
    byte[] reserve(int maxBytes) {
        if (current == null || used + maxBytes > current.length) {
            current = new byte[Math.max(CHUNK_BYTES, maxBytes)];
            chunks.add(current);
            if (chunks.size() > chunkEnds.length) {
                chunkEnds = Arrays.copyOf(chunkEnds, chunkEnds.length * 2);
            }
            used = 0;
            bytes += 16 + current.length;
        }
        return current;
    }

    /** @return where the next item goes in the array {@link #reserve} returned */
    int writeAt() {
        return used;
    }

    /**
     * Keeps the item written since {@link #reserve}.
     *
     * @param end where its bytes end in the array, exclusive
     * @return its index, counted from 0
     */
    int add(int end) {
        if (size == chunkOf.length) {
            chunkOf = Arrays.copyOf(chunkOf, size * 2);
            startOf = Arrays.copyOf(startOf, size * 2);
        }
        chunkOf[size] = chunks.size() - 1;
        startOf[size] = used;
        chunkEnds[chunks.size() - 1] = end;
        used = end;
        return size++;
    }

    /** @return the array holding item {@code index} */
    byte[] chunk(int index) {
        return chunks.get(chunkOf[index]);
    }

    /** @return where item {@code index}'s bytes start in its {@link #chunk} */
    int startOf(int index) {
        return startOf[index];
    }

    /** @return where item {@code index}'s bytes end in its {@link #chunk}, exclusive */
    int endOf(int index) {
        return index + 1 < size && chunkOf[index + 1] == chunkOf[index] ? startOf[index + 1]
                : chunkEnds[chunkOf[index]];
    }

    /** @return whether item {@code index} directly follows item {@code index - 1}: both in the same chunk */
    boolean followsPrevious(int index) {
        return index > 0 && chunkOf[index] == chunkOf[index - 1];
    }

    /** @return items kept */
    int size() {
        return size;
    }

    /** @return heap bytes, for Spark's memory store: the chunks and the two index arrays */
    long estimatedBytes() {
        return 64 + bytes + 8L * chunkOf.length;
    }
}

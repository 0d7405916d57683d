package org.hospital.incidents.pipeline.batch;

import org.hospital.incidents.ledger.PackedChars;
import org.hospital.incidents.model.SourcedLine;

import java.io.Serializable;
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

    private final ByteChunks chunks = new ByteChunks();
    /** The rare lines that carry an encoding error ({@link SourcedLine#encodingError()}), by index. */
    private HashMap<Integer, String> encodingErrors;

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
        byte[] chunk = chunks.reserve(PackedChars.maxBytes(text) + PackedChars.maxBytes(source));
        int end = PackedChars.write(source, chunk, PackedChars.write(text, chunk, chunks.writeAt()));
        int index = chunks.add(end);
        if (line.encodingError() != null) {
            if (encodingErrors == null) {
                encodingErrors = new HashMap<>();
            }
            encodingErrors.put(index, line.encodingError());
        }
        return index;
    }

    /**
     * @param index a line's index, from {@link #add}
     * @return the line as it was kept (a new object each call)
     * @throws IndexOutOfBoundsException when no line has that index
     */
    public SourcedLine get(int index) {
        if (index < 0 || index >= chunks.size()) {
            throw new IndexOutOfBoundsException("line " + index + " of " + chunks.size());
        }
        byte[] chunk = chunks.chunk(index);
        int at = chunks.startOf(index);
        String text = PackedChars.read(chunk, at);
        String source = PackedChars.read(chunk, at + PackedChars.size(chunk, at));
        return new SourcedLine(text, source, encodingErrors == null ? null : encodingErrors.get(index));
    }

    /** @return lines kept */
    public int size() {
        return chunks.size();
    }

    /** @return heap bytes, for Spark's memory store: the chunks and their index */
    public long estimatedBytes() {
        return chunks.estimatedBytes();
    }
}

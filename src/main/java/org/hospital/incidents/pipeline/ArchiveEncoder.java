package org.hospital.incidents.pipeline;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import org.hospital.incidents.pipeline.batch.PackedEntries;

/**
 * Encodes the archive's entries (DESIGN.md "Archive") for one partition of one batch, as the graph parses it: the
 * graph stays free of I/O and of file formats, and the archive is compressed in the same parallel pass that
 * parses, instead of by the one task that writes the batch's files.
 *
 * <p>Captured in the DStream graph, hence serializable and written to the checkpoint: an implementation holds
 * settings only (a codec name), never data or keys.
 */
public interface ArchiveEncoder extends Serializable {

    /**
     * @param batchTimeMillis the batch's time, epoch millis
     * @return a new, empty part
     * @throws IOException when the codec cannot be set up
     */
    Part newPart(long batchTimeMillis) throws IOException;

    /**
     * A part that renders its entries but does not compress them: with the incident ledger on, an entry's status
     * ({@code amended}) is known only once the ledger has decided (docs/DESIGN.md "The incident ledger"). The
     * entries are then given to {@link #compress}.
     *
     * @param batchTimeMillis the batch's time, epoch millis
     * @return a new, empty part whose {@link Part#finish()} returns null and {@link Part#rendered()} the entries
     * @throws IOException when the codec cannot be set up
     */
    Part newDeferredPart(long batchTimeMillis) throws IOException;

    /**
     * @param entries rendered entries (from a deferred part), in order
     * @param replaced entries to compress in another form, by index (an amendment's status, a rejection by the
     *     ledger); empty when none
     * @return them compressed, a complete stream of the codec, or null when there is none
     * @throws IOException from the codec
     */
    byte[] compress(PackedEntries entries, Map<Integer, String> replaced) throws IOException;

    /**
     * Renders the entry of a line rejected after parsing (by the incident ledger: a duplicate, a refused
     * re-qualification), to replace its accepted entry before compression: the archive then says what became of the
     * line, as {@code rejected/} does.
     *
     * @param batchTimeMillis the batch's time, epoch millis
     * @param source where the line came from
     * @param reason why it was rejected
     * @param line the whole line as received
     * @return the entry, one JSON object
     */
    String rejectedEntry(long batchTimeMillis, String source, String reason, String line);

    /** The status of an accepted entry as rendered, at a fixed place near the entry's start. */
    String ACCEPTED_STATUS = "\"status\":\"accepted\"";

    /**
     * @param entry a rendered accepted entry
     * @return the same entry with status {@code amended}
     */
    static String amended(String entry) {
        int at = entry.indexOf(ACCEPTED_STATUS);
        return at < 0 ? entry
                : entry.substring(0, at) + "\"status\":\"amended\"" + entry.substring(at + ACCEPTED_STATUS.length());
    }

    /** One partition's entries, in input order. */
    interface Part {

        /**
         * Starts the entry of a line that the parser is about to read: the parser renders the report into the
         * returned writer as it reads, so each line is read and rendered once. Ends with {@link #accepted()}, or
         * with {@link #rejected} which drops what was rendered.
         *
         * @param source where the line came from ({@code socket} or {@code kafka:<topic>/<partition>/<offset>})
         * @return the writer positioned where the {@code incident} object goes
         * @throws IOException from the writer
         */
        JsonWriter begin(String source) throws IOException;

        /**
         * Completes the entry begun for an accepted line.
         *
         * @throws IOException from the codec
         */
        void accepted() throws IOException;

        /**
         * Completes the entry begun for an accepted re-qualification record: its status is {@code requalified}.
         *
         * @throws IOException from the codec
         */
        void requalified() throws IOException;

        /**
         * Drops the entry begun, if any, and adds the rejected line's entry.
         *
         * @param source where the line came from
         * @param reason why it was rejected
         * @param line the whole line as received (not cut, not masked: the archive is the record of what came)
         * @throws IOException from the codec
         */
        void rejected(String source, String reason, String line) throws IOException;

        /** @return entries added so far (the index the next entry gets) */
        long entries();

        /** @return a deferred part's rendered entries, in order; null for a compressing part */
        PackedEntries rendered();

        /**
         * @return the compressed entries, a complete stream of the codec, or null when none was added
         * @throws IOException from the codec
         */
        byte[] finish() throws IOException;
    }
}

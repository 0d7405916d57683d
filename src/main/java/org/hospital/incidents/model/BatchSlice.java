package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/**
 * What one partition of one batch contributes to every output, computed in a single pass over its lines: its
 * accepted reports as {@link Candidate}s for the duplicate check, its re-qualification records, its rejections,
 * and its archive entries.
 *
 * <p>Why: the graph's branches (duplicate check, rejects, archive, summary) all read each batch. Keeping every
 * parsed {@link Incident} cached for them cost more than the parse (issue 10: Java deserialization at first, then
 * Spark's size estimation of the deserialized objects, 26 % of the executor's time at 200,000 reports per batch).
 * A candidate is a few fields plus a reference to the line already in memory.
 *
 * <p>Mutable while it is filled (by one task), then read only.
 */
public final class BatchSlice implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ArrayList<Candidate> candidates = new ArrayList<>();
    private final ArrayList<Rejection> rejections = new ArrayList<>();
    private final ArrayList<Requalification> requalifications = new ArrayList<>();
    private byte[] archive;
    private long archived;

    /**
     * Keeps an accepted report for the duplicate check.
     *
     * @param incident the incident
     * @param line the source line it came from
     */
    public void accept(Incident incident, SourcedLine line) {
        if (incident.isRequalification()) {
            // Not a new report: never a duplicate, never counted again (DESIGN.md "Restarts and upgrades").
            requalifications.add(Requalification.of(incident, line));
        } else {
            candidates.add(Candidate.of(incident, line.source(), line.line()));
        }
    }

    /** @return re-qualification records, in input order */
    public List<Requalification> requalifications() {
        return requalifications;
    }

    /** @param rejection a rejected line, kept whole for the {@code rejected} output */
    public void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    /**
     * @param compressed the partition's archive entries, compressed (null when the archive is off or empty)
     * @param entries how many entries they hold
     */
    public void archive(byte[] compressed, long entries) {
        this.archive = compressed;
        this.archived = entries;
    }

    /** @return the partition's archive entries, compressed, or null */
    public byte[] archive() {
        return archive;
    }

    /** @return archive entries in {@link #archive()} */
    public long archived() {
        return archived;
    }

    /** @return accepted reports, not yet checked for duplicates, in input order */
    public List<Candidate> candidates() {
        return candidates;
    }

    /** @return rejected lines, in input order */
    public List<Rejection> rejections() {
        return rejections;
    }

    /** @return the candidates as (eventId, candidate) pairs, the duplicate check's input */
    public Iterator<Tuple2<String, Candidate>> byEventId() {
        List<Tuple2<String, Candidate>> pairs = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            pairs.add(new Tuple2<>(candidate.eventId(), candidate));
        }
        return pairs.iterator();
    }
}

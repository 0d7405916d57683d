package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.KnownSizeEstimation;
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
public final class BatchSlice implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    /**
     * Heap bytes of one kept report besides its text (the candidate or rejection, its eventId, ward and source
     * strings' headers, the occurredAt instant, the list slot), measured with Spark's own SizeEstimator on a batch.
     */
    private static final long PER_REPORT_BYTES = 200;

    private final ArrayList<Candidate> candidates = new ArrayList<>();
    private final ArrayList<Rejection> rejections = new ArrayList<>();
    private final ArrayList<Requalification> requalifications = new ArrayList<>();
    // Filled instead of candidates when the duplicate check is off (dedup-horizon-hours=0): counted at once.
    private final HashMap<String, WardState> wardCounts = new HashMap<>();
    private final ArrayList<Candidate> counted = new ArrayList<>();
    private long accepted;
    private byte[] archive;
    private long archived;
    private long estimatedBytes = 256;

    /**
     * Keeps an accepted report for the duplicate check.
     *
     * @param incident the incident
     * @param line the source line it came from
     */
    public void accept(Incident incident, SourcedLine line) {
        accept(incident, line, true);
    }

    /**
     * Keeps an accepted report: for the duplicate check, or, when there is none, counted at once (per-ward counts,
     * and kept whole only when it raises a CRITICAL alert or goes to the review queue).
     *
     * @param incident the incident
     * @param line the source line it came from
     * @param checkDuplicates whether reports go through the duplicate check
     */
    public void accept(Incident incident, SourcedLine line, boolean checkDuplicates) {
        if (incident.isRequalification()) {
            // Not a new report: never a duplicate, never counted again (DESIGN.md "Restarts and upgrades").
            requalifications.add(Requalification.of(incident, line));
        } else if (checkDuplicates) {
            candidates.add(Candidate.of(incident, line.source(), line.line()));
        } else {
            accepted++;
            wardCounts.merge(incident.wardId(), WardState.of(incident), WardState::plus);
            if (incident.harmLevel().isCritical() || incident.category() == EventCategory.UNCLASSIFIED) {
                counted.add(Candidate.of(incident, line.source(), null));
                estimatedBytes += PER_REPORT_BYTES;
            }
            return;
        }
        estimatedBytes += PER_REPORT_BYTES + 2L * (line.line().length() + line.source().length());
    }

    /** @return without the duplicate check: reports counted that raise an alert or go to review, in input order */
    public List<Candidate> countedForAlertsAndReview() {
        return counted;
    }

    /** @return without the duplicate check: reports counted */
    public long accepted() {
        return accepted;
    }

    /** @return without the duplicate check: per-ward counts of the reports counted, as (wardId, counts) pairs */
    public Iterator<Tuple2<String, WardState>> wardCounts() {
        List<Tuple2<String, WardState>> pairs = new ArrayList<>(wardCounts.size());
        for (Map.Entry<String, WardState> entry : wardCounts.entrySet()) {
            pairs.add(new Tuple2<>(entry.getKey(), entry.getValue()));
        }
        return pairs.iterator();
    }

    /** @return re-qualification records, in input order */
    public List<Requalification> requalifications() {
        return requalifications;
    }

    /** @param rejection a rejected line, kept whole for the {@code rejected} output */
    public void reject(Rejection rejection) {
        rejections.add(rejection);
        estimatedBytes += PER_REPORT_BYTES + 2L * (rejection.line().length() + rejection.reason().length());
    }

    /**
     * @param compressed the partition's archive entries, compressed (null when the archive is off or empty)
     * @param entries how many entries they hold
     */
    public void archive(byte[] compressed, long entries) {
        this.archive = compressed;
        this.archived = entries;
        estimatedBytes += compressed == null ? 0 : compressed.length;
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

    /**
     * The slice's heap size for Spark's memory store, kept as it is filled. Why: without it Spark's SizeEstimator
     * walks the cached slice (tens of thousands of reports) after every batch's parse; the issue 12 profile showed
     * it at 23 % of the executor's samples.
     *
     * @return estimated bytes
     */
    @Override
    public long estimatedSize() {
        return estimatedBytes;
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

package org.hospital.incidents.pipeline.batch;

import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.WardState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.KnownSizeEstimation;
import scala.Tuple2;

/**
 * What one partition of one batch contributes to every output, computed in a single pass over its lines.
 *
 * <p>With the incident ledger on (the default): its accepted lines as compact {@link Candidate}s, the only part
 * that crosses a shuffle, and, kept here in the parsing task's cache, what outputs may need once the ledger has
 * decided: each accepted line (a duplicate's or refusal's line for {@code rejected/}), the unclassified reports
 * whole (the review queue shows them to a person) and the archive entries, rendered but not yet compressed (an
 * amendment's status is only known after the ledger). With the ledger off ({@code dedup-horizon-hours=0}): reports
 * counted at once per ward, kept whole only when they raise a CRITICAL alert or go to review, and the archive
 * compressed here.
 *
 * <p>Why: the graph's branches all read each batch. Keeping every parsed {@link Incident} cached for them cost more
 * than the parse, and shuffling whole lines to the ledger put patient data into the state (docs/PERFORMANCE.md
 * "Why the code is shaped this way").
 *
 * <p>Mutable while it is filled (by one task), then read only.
 */
public final class BatchSlice implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    /**
     * Heap bytes of one kept report besides its text (the candidate or rejection, its eventId, ward and source
     * strings' headers, the list slots), measured with Spark's own SizeEstimator on a batch.
     */
    private static final long PER_REPORT_BYTES = 200;

    private final int partition;
    private final ArrayList<Candidate> candidates = new ArrayList<>();
    // Packed: as objects they were most of what a backlog batch's young collections copied (PackedLines).
    private final PackedLines lines = new PackedLines();
    private final HashMap<Integer, Incident> unclassified = new HashMap<>();
    private int[] archiveIndex = new int[0];
    private final ArrayList<Rejection> rejections = new ArrayList<>();
    // Filled instead of candidates when the ledger is off (dedup-horizon-hours=0): counted at once.
    private final HashMap<String, WardState> wardCounts = new HashMap<>();
    private final ArrayList<Candidate> critical = new ArrayList<>();
    private final ArrayList<Incident> review = new ArrayList<>();
    private long accepted;
    // Without the ledger, each report counted (ward, occurredAt, harm level), for the event-time windows: kept as
    // parallel arrays, 17 bytes a report, since a backlog batch counts hundreds of thousands.
    private String[] arrivedWard = new String[0];
    private long[] arrivedAt = new long[0];
    private byte[] arrivedHarm = new byte[0];
    private int arrivals;
    private byte[] archive;
    private long archived;
    private PackedEntries archiveEntries;
    private long estimatedBytes = 256;

    /** @param partition index of the batch partition this slice is made from */
    public BatchSlice(int partition) {
        this.partition = partition;
    }

    /**
     * Keeps an accepted line for the ledger: its compact form, the line itself, the report when it is unclassified.
     *
     * @param incident the parsed report or re-qualification record
     * @param line the source line it came from
     * @param archiveEntry index of its archive entry among the partition's entries, or -1 when the archive is off
     */
    public void accept(Incident incident, SourcedLine line, int archiveEntry) {
        int position = candidates.size();
        candidates.add(Candidate.of(incident, partition, position));
        lines.add(line);
        if (!incident.isRequalification() && incident.category() == EventCategory.UNCLASSIFIED) {
            unclassified.put(position, incident);
            estimatedBytes += PER_REPORT_BYTES;
        }
        if (archiveEntry >= 0) {
            if (position >= archiveIndex.length) {
                archiveIndex = Arrays.copyOf(archiveIndex, Math.max(16, 2 * archiveIndex.length));
            }
            archiveIndex[position] = archiveEntry;
        }
        // The line itself is counted by PackedLines.
        estimatedBytes += PER_REPORT_BYTES;
    }

    /**
     * Counts an accepted report at once (the ledger is off): per-ward counts, and kept whole only when it raises a
     * CRITICAL alert or goes to the review queue.
     *
     * @param incident the report (not a re-qualification)
     */
    public void count(Incident incident) {
        if (arrivals == arrivedAt.length) {
            int grown = Math.max(16, arrivals * 2);
            arrivedWard = Arrays.copyOf(arrivedWard, grown);
            arrivedAt = Arrays.copyOf(arrivedAt, grown);
            arrivedHarm = Arrays.copyOf(arrivedHarm, grown);
        }
        arrivedWard[arrivals] = incident.wardId();
        arrivedAt[arrivals] = incident.occurredAt().toEpochMilli();
        arrivedHarm[arrivals] = (byte) incident.harmLevel().ordinal();
        arrivals++;
        estimatedBytes += 17;
        accepted++;
        wardCounts.merge(incident.wardId(), WardState.of(incident), WardState::plus);
        if (incident.harmLevel().isCritical()) {
            critical.add(Candidate.of(incident, partition, -1));
            estimatedBytes += PER_REPORT_BYTES;
        }
        if (incident.category() == EventCategory.UNCLASSIFIED) {
            review.add(incident);
            estimatedBytes += PER_REPORT_BYTES;
        }
    }

    /** Receives one report counted without the ledger, for the event-time windows. */
    @FunctionalInterface
    public interface ArrivalConsumer {
        /**
         * @param wardId the report's ward
         * @param occurredAtMillis its {@code occurredAt}, epoch millis
         * @param level its harm level
         */
        void arrived(String wardId, long occurredAtMillis, HarmLevel level);
    }

    /**
     * Without the ledger: gives every report counted, in input order.
     *
     * @param consumer receives each report's ward, {@code occurredAt} and harm level
     */
    public void forEachArrival(ArrivalConsumer consumer) {
        HarmLevel[] levels = HarmLevel.values();
        for (int i = 0; i < arrivals; i++) {
            consumer.arrived(arrivedWard[i], arrivedAt[i], levels[arrivedHarm[i]]);
        }
    }


    /** @return the partition index the slice was made from */
    public int partition() {
        return partition;
    }

    /** @return without the ledger: reports counted that raise a CRITICAL alert, in input order */
    public List<Candidate> critical() {
        return critical;
    }

    /** @return without the ledger: reports counted whose category is unclassified, in input order */
    public List<Incident> review() {
        return review;
    }

    /** @return without the ledger: reports counted */
    public long accepted() {
        return accepted;
    }

    /** @return without the ledger: per-ward counts of the reports counted, as (wardId, counts) pairs */
    public Iterator<Tuple2<String, WardState>> wardCounts() {
        List<Tuple2<String, WardState>> pairs = new ArrayList<>(wardCounts.size());
        for (Map.Entry<String, WardState> entry : wardCounts.entrySet()) {
            pairs.add(new Tuple2<>(entry.getKey(), entry.getValue()));
        }
        return pairs.iterator();
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

    /**
     * @param entries the partition's archive entries, rendered and not yet compressed (the ledger decides an
     *     amendment's status first)
     */
    public void archiveEntries(PackedEntries entries) {
        this.archiveEntries = entries;
        estimatedBytes += entries.estimatedBytes();
    }

    /** @return the rendered archive entries kept for after the ledger, or null */
    public PackedEntries archiveEntries() {
        return archiveEntries;
    }

    /**
     * @param position a candidate's position
     * @return the index of its archive entry among {@link #archiveEntries()}
     */
    public int archiveEntryOf(int position) {
        return archiveIndex[position];
    }

    /** @return the partition's archive entries, compressed, or null */
    public byte[] archive() {
        return archive;
    }

    /** @return archive entries in {@link #archive()} */
    public long archived() {
        return archived;
    }

    /** @return accepted lines in compact form, in input order */
    public List<Candidate> candidates() {
        return candidates;
    }

    /**
     * @param position a candidate's position
     * @return the line it came from (made again from its packed form: a new object each call)
     */
    public SourcedLine line(int position) {
        return lines.get(position);
    }

    /**
     * @param position a candidate's position
     * @return the report whole when its category is unclassified, else null
     */
    public Incident unclassified(int position) {
        return unclassified.get(position);
    }

    /** @return rejected lines, in input order */
    public List<Rejection> rejections() {
        return rejections;
    }

    /**
     * The slice's heap size for Spark's memory store, kept as it is filled. Why: without it Spark's SizeEstimator
     * walks the cached slice (tens of thousands of reports) after every batch's parse, a cost that grows with the
     * batch (docs/PERFORMANCE.md "Why the code is shaped this way").
     *
     * @return estimated bytes
     */
    @Override
    public long estimatedSize() {
        return estimatedBytes + lines.estimatedBytes();
    }

    /**
     * @param eventId an eventId
     * @param buckets the ledger's bucket count
     * @return the eventId's bucket, in {@code [0, buckets)}
     */
    public static int bucket(String eventId, int buckets) {
        return Math.floorMod(eventId.hashCode(), buckets);
    }

    /**
     * @param buckets the ledger's bucket count
     * @param batchTimeMillis the batch time, epoch millis
     * @return the candidates grouped by ledger bucket, the ledger's input: (bucket, lines) pairs
     */
    public Iterator<Tuple2<Integer, BucketLines>> byBucket(int buckets, long batchTimeMillis) {
        Map<Integer, ArrayList<Candidate>> grouped = new HashMap<>();
        for (Candidate candidate : candidates) {
            grouped.computeIfAbsent(bucket(candidate.eventId(), buckets), b -> new ArrayList<>())
                    .add(candidate);
        }
        List<Tuple2<Integer, BucketLines>> pairs = new ArrayList<>(grouped.size());
        grouped.forEach((bucket, lines) -> pairs.add(new Tuple2<>(bucket, new BucketLines(batchTimeMillis, lines))));
        return pairs.iterator();
    }
}

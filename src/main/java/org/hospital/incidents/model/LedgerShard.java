package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * One bucket of the incident ledger (docs/DESIGN.md "The incident ledger"): eventId to {@link LedgerEntry} for the
 * eventIds whose hash falls in the bucket, held in {@value #SEGMENTS} segments, each an open-addressing table of
 * parallel arrays (the ids, the ward ids, one packed int for harm level, category, report type and the
 * re-qualified flag, three longs for the times), plus the verdicts of the batch that made this version.
 *
 * <p>Why not Spark's {@code mapWithState}: its state map keeps an object graph per entry (a state record, the entry,
 * boxed times) that Spark's SizeEstimator walked after every batch and Kryo wrote object by object at every
 * checkpoint; together about two thirds of the job's time at 200,000 reports per batch (issue 18 profile). Here the
 * size is known ({@link KnownSizeEstimation}) and {@link KryoForm} writes the arrays in one loop.
 *
 * <p>Immutable once made: the next batch's version ({@link #next}) shares the segments the batch does not touch and
 * copies the ones it writes to, so a batch recomputed after a failure starts from exactly the state it started from the
 * first time. Why segments: a version used to copy its whole bucket, and a batch of a hundred reports touches most of
 * the 128 buckets, so each batch copied most of the ledger; at 100 reports/s over the 168 h horizon (60 million
 * entries) that is gigabytes a second. With segments a report costs the copy of one segment, about 1/{@value #SEGMENTS}
 * of its bucket (docs/PERFORMANCE.md "The ledger's cost per batch grew with the ledger").
 */
public final class LedgerShard implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    /** Segments per bucket: a power of two, picked by the top bits of the eventId's mixed hash. */
    static final int SEGMENTS = 256;

    private static final Segment EMPTY_SEGMENT = new Segment(0);

    private static final LedgerShard EMPTY = new LedgerShard(emptySegments(), 0, new ArrayList<>());

    private final Segment[] segments;
    private final int size;
    private final ArrayList<Verdict> verdicts;

    private LedgerShard(Segment[] segments, int size, ArrayList<Verdict> verdicts) {
        this.segments = segments;
        this.size = size;
        this.verdicts = verdicts;
    }

    private static Segment[] emptySegments() {
        Segment[] segments = new Segment[SEGMENTS];
        java.util.Arrays.fill(segments, EMPTY_SEGMENT);
        return segments;
    }

    /** @return a bucket with no entry */
    public static LedgerShard empty() {
        return EMPTY;
    }

    /** @return entries held (including ones past the horizon not yet dropped) */
    public int size() {
        return size;
    }

    /** @return the verdicts of the batch that made this version, in the order applied per eventId */
    public List<Verdict> verdicts() {
        return verdicts;
    }

    /** @return the same entries with no verdicts: the version a batch without lines for this bucket keeps */
    public LedgerShard withoutVerdicts() {
        return verdicts.isEmpty() ? this : new LedgerShard(segments, size, new ArrayList<>());
    }

    /**
     * @param eventId an eventId
     * @return its entry, or null
     */
    public LedgerEntry get(String eventId) {
        int hash = mix(eventId.hashCode());
        return segments[hash >>> 24].get(eventId, hash);
    }

    /** Harm level (3 bits), category (4), report type (2) and the re-qualified flag in one int. */
    private static int pack(LedgerEntry entry) {
        return entry.harmLevel().ordinal() | entry.category().ordinal() << 3 | entry.reportType().ordinal() << 7
                | (entry.requalified() ? 1 << 9 : 0);
    }

    private static LedgerEntry unpack(String ward, int code, long occurred, long first, long updated) {
        return new LedgerEntry(ward, HarmLevel.values()[code & 0x7], EventCategory.values()[(code >>> 3) & 0xF],
                ReportType.values()[(code >>> 7) & 0x3], occurred, first, updated, (code & (1 << 9)) != 0);
    }

    /**
     * Starts the next version, to which {@link Builder#put} adds, leaving this one unchanged.
     *
     * @param extra how many entries the batch may add at most: a segment copied for the batch is sized for its
     *     share of them at once, rather than copied and then grown
     * @param dropBefore entries first seen before this batch time (epoch millis) are forgotten (the horizon): a
     *     segment the batch writes to leaves them out once they are an eighth of it; {@link Long#MIN_VALUE} keeps
     *     all. Forgotten entries still held are ignored by the rule ({@code LedgerRule}), so when they are dropped
     *     changes only the memory held, never a verdict.
     * @return the builder
     */
    public Builder next(int extra, long dropBefore) {
        return new Builder(this, extra, dropBefore);
    }

    /** Fills the next version of a shard; used by one task, then {@link #build}. */
    public static final class Builder {
        private final Segment[] segments;
        private final boolean[] copied = new boolean[SEGMENTS];
        private final long dropBefore;
        private final int extraPerSegment;
        private int size;
        private final ArrayList<Verdict> verdicts = new ArrayList<>();

        private Builder(LedgerShard from, int extra, long dropBefore) {
            this.segments = from.segments.clone();
            this.size = from.size;
            this.dropBefore = dropBefore;
            // The eventIds spread evenly over the segments: a segment's share, with room for the uneven ones.
            this.extraPerSegment = extra / SEGMENTS * 2 + 1;
        }

        /**
         * @param eventId an eventId
         * @return its entry in the version being built, or null
         */
        public LedgerEntry get(String eventId) {
            int hash = mix(eventId.hashCode());
            return segments[hash >>> 24].get(eventId, hash);
        }

        /**
         * @param eventId an eventId
         * @param entry its new entry
         */
        public void put(String eventId, LedgerEntry entry) {
            int hash = mix(eventId.hashCode());
            int s = hash >>> 24;
            if (!copied[s]) {
                Segment copy = segments[s].copy(dropBefore, extraPerSegment);
                size += copy.size - segments[s].size;
                segments[s] = copy;
                copied[s] = true;
            }
            if (segments[s].put(eventId, hash, entry)) {
                size++;
            }
        }

        /** @param verdict a verdict of this batch */
        public void verdict(Verdict verdict) {
            verdicts.add(verdict);
        }

        /** @return the new version */
        public LedgerShard build() {
            return new LedgerShard(segments, size, verdicts);
        }
    }

    /**
     * One segment: an open-addressing table with linear probing, load at most 0.6. Shared between versions until a
     * batch writes to it; then that batch's version has its own copy ({@link #copy}).
     */
    private static final class Segment implements Serializable {

        private static final long serialVersionUID = 1L;
        private static final int MIN_CAPACITY = 8;

        private String[] ids;
        private String[] wards;
        private int[] codes;
        private long[] occurredAt;
        private long[] firstSeen;
        private long[] updatedAt;
        private int size;

        Segment(int capacity) {
            allocate(capacity);
        }

        private Segment(String[] ids, String[] wards, int[] codes, long[] occurredAt, long[] firstSeen,
                long[] updatedAt, int size) {
            this.ids = ids;
            this.wards = wards;
            this.codes = codes;
            this.occurredAt = occurredAt;
            this.firstSeen = firstSeen;
            this.updatedAt = updatedAt;
            this.size = size;
        }

        private void allocate(int capacity) {
            ids = new String[capacity];
            wards = new String[capacity];
            codes = new int[capacity];
            occurredAt = new long[capacity];
            firstSeen = new long[capacity];
            updatedAt = new long[capacity];
        }

        LedgerEntry get(String eventId, int hash) {
            if (size == 0) {
                return null;
            }
            int slot = find(eventId, hash);
            return ids[slot] == null ? null
                    : unpack(wards[slot], codes[slot], occurredAt[slot], firstSeen[slot], updatedAt[slot]);
        }

        /** Linear probing from the hash's low bits; the table always has a free slot. */
        private int find(String eventId, int hash) {
            int mask = ids.length - 1;
            int slot = hash & mask;
            while (ids[slot] != null && !ids[slot].equals(eventId)) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        /**
         * @param dropBefore entries first seen before this batch time are left out once they are an eighth of the
         *     segment ({@link Long#MIN_VALUE}: none): not at every copy, since a drop re-hashes every entry, where a
         *     plain copy is a few array copies
         * @param extra entries the batch is expected to add to the segment
         * @return a copy this batch may write to
         */
        Segment copy(long dropBefore, int extra) {
            int forgotten = 0;
            if (dropBefore != Long.MIN_VALUE) {
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] != null && firstSeen[i] < dropBefore) {
                        forgotten++;
                    }
                }
            }
            boolean drop = forgotten > 0 && forgotten > size / 8;
            if (!drop && ids.length > 0 && (size + extra) * 10L <= ids.length * 6L) {
                return new Segment(ids.clone(), wards.clone(), codes.clone(), occurredAt.clone(), firstSeen.clone(),
                        updatedAt.clone(), size);
            }
            Segment copy = new Segment(capacityFor((drop ? size - forgotten : size) + extra));
            copy.addAll(this, drop ? dropBefore : Long.MIN_VALUE);
            return copy;
        }

        private static int capacityFor(int entries) {
            int capacity = MIN_CAPACITY;
            while (entries * 10L > capacity * 6L) {
                capacity *= 2;
            }
            return capacity;
        }

        private void addAll(Segment from, long dropBefore) {
            for (int i = 0; i < from.ids.length; i++) {
                if (from.ids[i] != null && from.firstSeen[i] >= dropBefore) {
                    int slot = find(from.ids[i], mix(from.ids[i].hashCode()));
                    ids[slot] = from.ids[i];
                    wards[slot] = from.wards[i];
                    codes[slot] = from.codes[i];
                    occurredAt[slot] = from.occurredAt[i];
                    firstSeen[slot] = from.firstSeen[i];
                    updatedAt[slot] = from.updatedAt[i];
                    size++;
                }
            }
        }

        /** @return true when the eventId is new to the segment */
        boolean put(String eventId, int hash, LedgerEntry entry) {
            if ((size + 1) * 10L > ids.length * 6L) {
                // This batch's own copy: grown in place, re-hashed into tables twice the size it needs.
                Segment old = new Segment(ids, wards, codes, occurredAt, firstSeen, updatedAt, size);
                allocate(capacityFor(size + 1) * 2);
                size = 0;
                addAll(old, Long.MIN_VALUE);
            }
            int slot = find(eventId, hash);
            boolean added = ids[slot] == null;
            if (added) {
                size++;
                ids[slot] = eventId;
            }
            // Ward ids repeat across a hospital's reports: one String per ward, not one per report.
            wards[slot] = entry.wardId().intern();
            codes[slot] = pack(entry);
            occurredAt[slot] = entry.occurredAtMillis();
            firstSeen[slot] = entry.firstSeenBatchTime();
            updatedAt[slot] = entry.updatedAtMillis();
            return added;
        }
    }

    /** The bucket took the hash's low bits; the segment its top byte, the slot its low bits after mixing. */
    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Heap bytes: the segments' arrays, one eventId string per entry (about 40 bytes plus its characters, taken as
     * 24), and the verdicts (about 120 bytes each). Segments shared with the version before are counted in both.
     *
     * @return estimated bytes
     */
    @Override
    public long estimatedSize() {
        long slots = 0;
        for (Segment segment : segments) {
            slots += segment.ids.length;
        }
        return 96 + SEGMENTS * 8L + slots * (4L + 4 + 4 + 24) + size * 64L + verdicts.size() * 120L;
    }

    /**
     * Kryo's form of a shard (checkpoints): the entry count, then per entry the eventId, the ward id, the packed codes
     * and the three times, in one loop over the segments; then the verdicts. Read back into segments of the same
     * shape.
     */
    public static final class KryoForm extends com.esotericsoftware.kryo.Serializer<LedgerShard> {

        @Override
        public void write(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Output output,
                LedgerShard shard) {
            output.writeInt(shard.size, true);
            for (Segment segment : shard.segments) {
                for (int i = 0; i < segment.ids.length; i++) {
                    if (segment.ids[i] != null) {
                        output.writeString(segment.ids[i]);
                        output.writeString(segment.wards[i]);
                        output.writeInt(segment.codes[i], true);
                        output.writeLong(segment.occurredAt[i]);
                        output.writeVarLong(segment.firstSeen[i] - segment.occurredAt[i], false);
                        output.writeLong(segment.updatedAt[i]);
                    }
                }
            }
            output.writeInt(shard.verdicts.size(), true);
            for (Verdict verdict : shard.verdicts) {
                kryo.writeObject(output, verdict);
            }
        }

        @Override
        public LedgerShard read(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Input input,
                Class<LedgerShard> type) {
            int size = input.readInt(true);
            Builder builder = EMPTY.next(size, Long.MIN_VALUE);
            for (int i = 0; i < size; i++) {
                String id = input.readString();
                String ward = input.readString();
                int code = input.readInt(true);
                long occurred = input.readLong();
                long first = occurred + input.readVarLong(false);
                long updated = input.readLong();
                builder.put(id, unpack(ward, code, occurred, first, updated));
            }
            int verdicts = input.readInt(true);
            for (int i = 0; i < verdicts; i++) {
                builder.verdict(kryo.readObject(input, Verdict.class));
            }
            return builder.build();
        }
    }

    @Override
    public String toString() {
        return "LedgerShard[" + size + " entries, " + verdicts.size() + " verdicts]";
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * One bucket of the incident ledger (docs/DESIGN.md "The incident ledger"): eventId to {@link LedgerEntry} for the
 * eventIds whose hash falls in the bucket, held as an open-addressing table of parallel arrays (the ids, the ward
 * ids, one packed int for harm level, category, report type and the re-qualified flag, three longs for the times),
 * plus the verdicts of the batch that made this version.
 *
 * <p>Why not Spark's {@code mapWithState}: its state map keeps an object graph per entry (a state record, the entry,
 * boxed times) that Spark's SizeEstimator walked after every batch and Kryo wrote object by object at every
 * checkpoint; together about two thirds of the job's time at 200,000 reports per batch (issue 18 profile). Here the
 * size is known ({@link KnownSizeEstimation}) and {@code KryoClasses} writes the arrays in one loop.
 *
 * <p>Immutable once made: the next batch's version is a copy ({@link #next}), so a batch recomputed after a failure
 * starts from exactly the state it started from the first time. The copy costs one array copy per bucket a batch
 * touches, which is why the ledger has many buckets: a quiet batch touches few.
 */
public final class LedgerShard implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    private static final LedgerShard EMPTY = new LedgerShard(new String[16], new String[16], new int[16],
            new long[16], new long[16], new long[16], 0, new ArrayList<>());

    private final String[] ids;
    private final String[] wards;
    private final int[] codes;
    private final long[] occurredAt;
    private final long[] firstSeen;
    private final long[] updatedAt;
    private int size;
    private final ArrayList<Verdict> verdicts;

    private LedgerShard(String[] ids, String[] wards, int[] codes, long[] occurredAt, long[] firstSeen,
            long[] updatedAt, int size, ArrayList<Verdict> verdicts) {
        this.ids = ids;
        this.wards = wards;
        this.codes = codes;
        this.occurredAt = occurredAt;
        this.firstSeen = firstSeen;
        this.updatedAt = updatedAt;
        this.size = size;
        this.verdicts = verdicts;
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
        return verdicts.isEmpty() ? this
                : new LedgerShard(ids, wards, codes, occurredAt, firstSeen, updatedAt, size, new ArrayList<>());
    }

    /**
     * @param eventId an eventId
     * @return its entry, or null
     */
    public LedgerEntry get(String eventId) {
        return lookup(ids, wards, codes, occurredAt, firstSeen, updatedAt, eventId);
    }

    private static LedgerEntry lookup(String[] ids, String[] wards, int[] codes, long[] occurredAt, long[] firstSeen,
            long[] updatedAt, String eventId) {
        int slot = find(ids, eventId);
        return ids[slot] == null ? null
                : unpack(wards[slot], codes[slot], occurredAt[slot], firstSeen[slot], updatedAt[slot]);
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
     * Starts the next version: a copy to which {@link Builder#put} adds, leaving this one unchanged.
     *
     * @param extra how many entries the batch may add at most (sizes the table)
     * @param dropBefore entries first seen before this batch time (epoch millis) are left out: the ledger has
     *     forgotten them (the horizon); {@link Long#MIN_VALUE} keeps all
     * @return the builder
     */
    public Builder next(int extra, long dropBefore) {
        return new Builder(this, extra, dropBefore);
    }

    /** Fills the next version of a shard; used by one task, then {@link #build}. */
    public static final class Builder {
        private String[] ids;
        private String[] wards;
        private int[] codes;
        private long[] occurredAt;
        private long[] firstSeen;
        private long[] updatedAt;
        private int size;
        private final ArrayList<Verdict> verdicts = new ArrayList<>();

        private Builder(LedgerShard from, int extra, long dropBefore) {
            int capacity = from.ids.length;
            int live = from.size;
            if (dropBefore != Long.MIN_VALUE) {
                for (int i = 0; i < from.ids.length; i++) {
                    if (from.ids[i] != null && from.firstSeen[i] < dropBefore) {
                        live--;
                    }
                }
            }
            // Forgotten entries are dropped once they are an eighth of the table: not at every batch, since a drop
            // re-hashes every entry, where a plain copy is a few array copies.
            boolean drop = from.size - live > from.size / 8;
            if (!drop) {
                live = from.size;
            }
            while ((live + extra) * 10L > capacity * 6L) {
                capacity *= 2;
            }
            if (!drop && capacity == from.ids.length) {
                // The usual case: same table, copied as arrays.
                ids = from.ids.clone();
                wards = from.wards.clone();
                codes = from.codes.clone();
                occurredAt = from.occurredAt.clone();
                firstSeen = from.firstSeen.clone();
                updatedAt = from.updatedAt.clone();
                size = from.size;
                return;
            }
            allocate(capacity);
            for (int i = 0; i < from.ids.length; i++) {
                if (from.ids[i] != null && (!drop || from.firstSeen[i] >= dropBefore)) {
                    int slot = find(ids, from.ids[i]);
                    copySlot(from, i, slot);
                }
            }
        }

        private void allocate(int capacity) {
            ids = new String[capacity];
            wards = new String[capacity];
            codes = new int[capacity];
            occurredAt = new long[capacity];
            firstSeen = new long[capacity];
            updatedAt = new long[capacity];
        }

        private void copySlot(LedgerShard from, int i, int slot) {
            ids[slot] = from.ids[i];
            wards[slot] = from.wards[i];
            codes[slot] = from.codes[i];
            occurredAt[slot] = from.occurredAt[i];
            firstSeen[slot] = from.firstSeen[i];
            updatedAt[slot] = from.updatedAt[i];
            size++;
        }

        /**
         * @param eventId an eventId
         * @return its entry in the version being built, or null
         */
        public LedgerEntry get(String eventId) {
            return lookup(ids, wards, codes, occurredAt, firstSeen, updatedAt, eventId);
        }

        /**
         * @param eventId an eventId
         * @param entry its new entry
         */
        public void put(String eventId, LedgerEntry entry) {
            if ((size + 1) * 10L > ids.length * 6L) {
                LedgerShard current = new LedgerShard(ids, wards, codes, occurredAt, firstSeen, updatedAt, size,
                        verdicts);
                allocate(ids.length * 2);
                size = 0;
                for (int i = 0; i < current.ids.length; i++) {
                    if (current.ids[i] != null) {
                        copySlot(current, i, find(ids, current.ids[i]));
                    }
                }
            }
            int slot = find(ids, eventId);
            if (ids[slot] == null) {
                size++;
                ids[slot] = eventId;
            }
            // Ward ids repeat across a hospital's reports: one String per ward, not one per report.
            wards[slot] = entry.wardId().intern();
            codes[slot] = pack(entry);
            occurredAt[slot] = entry.occurredAtMillis();
            firstSeen[slot] = entry.firstSeenBatchTime();
            updatedAt[slot] = entry.updatedAtMillis();
        }

        /** @param verdict a verdict of this batch */
        public void verdict(Verdict verdict) {
            verdicts.add(verdict);
        }

        /** @return the new version */
        public LedgerShard build() {
            return new LedgerShard(ids, wards, codes, occurredAt, firstSeen, updatedAt, size, verdicts);
        }
    }

    /** Linear probing; the table always has a free slot (load at most 0.6). */
    private static int find(String[] ids, String eventId) {
        int mask = ids.length - 1;
        int slot = mix(eventId.hashCode()) & mask;
        while (ids[slot] != null && !ids[slot].equals(eventId)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** The bucket took the hash's low bits; the table uses the high ones. */
    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Heap bytes: the arrays, one eventId string per entry (about 40 bytes plus its characters, taken as 24), and the
     * verdicts (about 120 bytes each).
     *
     * @return estimated bytes
     */
    @Override
    public long estimatedSize() {
        return 96 + ids.length * (4L + 4 + 4 + 24) + size * 64L + verdicts.size() * 120L;
    }

    /**
     * Kryo's form of a shard (checkpoints): the entry count, then per entry the eventId, the ward id, the packed codes
     * and the three times, in one loop over the arrays; then the verdicts. Read back into a table of the same shape.
     */
    public static final class KryoForm extends com.esotericsoftware.kryo.Serializer<LedgerShard> {

        @Override
        public void write(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Output output,
                LedgerShard shard) {
            output.writeInt(shard.size, true);
            for (int i = 0; i < shard.ids.length; i++) {
                if (shard.ids[i] != null) {
                    output.writeString(shard.ids[i]);
                    output.writeString(shard.wards[i]);
                    output.writeInt(shard.codes[i], true);
                    output.writeLong(shard.occurredAt[i]);
                    output.writeVarLong(shard.firstSeen[i] - shard.occurredAt[i], false);
                    output.writeLong(shard.updatedAt[i]);
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
        return "LedgerShard[" + size + " entries, " + verdicts.size() + " verdicts, capacity " + ids.length + "]";
    }
}

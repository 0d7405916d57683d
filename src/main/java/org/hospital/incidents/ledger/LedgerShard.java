package org.hospital.incidents.ledger;

import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.Verdict;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * One bucket of the incident ledger (docs/DESIGN.md "The incident ledger"): eventId to {@link LedgerEntry} for the
 * eventIds whose hash falls in the bucket, as one version of the bucket, plus the verdicts of the batch that made this
 * version. The entries live in a {@link SegmentStore} of {@value #SEGMENTS} segments, each an open-addressing table of
 * parallel arrays (where the eventId's characters start in the segment's packed keys, its hash, the ward's number,
 * one packed int for harm level, category, report type and the re-qualified flag, three longs for the times): no
 * object per entry (see {@link LedgerSegment} for why).
 *
 * <p>Why not Spark's {@code mapWithState}: its state map keeps an object graph per entry (a state record, the entry,
 * boxed times) that Spark's SizeEstimator walked after every batch and Kryo wrote object by object at every
 * checkpoint, both growing with the ledger (docs/PERFORMANCE.md "Why the code is shaped this way"). Here the
 * size is known ({@link KnownSizeEstimation}) and {@link LedgerShardKryoForm} writes the arrays in one loop.
 *
 * <p>Updated in place, with an undo log: the next batch's version ({@link #next}) writes into the same store and
 * records, for each eventId it changes or drops, the entry it had before. A version is never changed by a later one
 * as seen from outside: a version read again after the store moved on (a task recomputed after a failure, or a
 * partition Spark could not cache and computes again) reads through the undo logs ({@link #get}), and a batch built
 * on it again works on a private copy of the store rolled back to it, so a recomputed batch starts from exactly the
 * state it started from the first time. Why in place: a version used to copy what its batch wrote to (first whole
 * buckets, then segments), and a backlog batch writes to every segment, so each such batch copied the whole ledger;
 * at the 168 h horizon that is tens of millions of entries a batch (docs/PERFORMANCE.md "The ledger updated in
 * place"). Now a batch costs what it writes, whatever the ledger holds.
 *
 * <p>The store keeps the undo logs of its last {@value #HISTORY} versions. Spark reads a state version again only
 * while it is the newest or the one before (the previous version is unpersisted once the next one is cached); an
 * older one is only ever read from the checkpoint files, which make a new store. Reading a version older than the
 * logs kept fails with {@link IllegalStateException}: the batch fails and the job recovers from its checkpoint,
 * rather than deciding on the wrong state.
 */
public final class LedgerShard implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 2L;

    /** Segments per bucket: a power of two, picked by the top bits of the eventId's mixed hash. */
    static final int SEGMENTS = 256;

    /** UndoLog logs a store keeps: how many versions back a version can still be read or rebuilt in memory. */
    static final int HISTORY = 8;

    static final LedgerShard EMPTY = new LedgerShard(null, 0, 0, new ArrayList<>());

    /** The entries, shared by the versions made from one another in this JVM; null for the empty bucket. */
    final transient SegmentStore store;
    final long version;
    final int size;
    final ArrayList<Verdict> verdicts;
    /** The store's heap bytes when this version was made: Spark sizes a cached partition many times as it fills. */
    private final long footprint;

    LedgerShard(SegmentStore store, long version, int size, ArrayList<Verdict> verdicts) {
        this(store, version, size, verdicts, store == null ? 0 : store.footprint);
    }

    private LedgerShard(SegmentStore store, long version, int size, ArrayList<Verdict> verdicts, long footprint) {
        this.store = store;
        this.version = version;
        this.size = size;
        this.verdicts = verdicts;
        this.footprint = footprint;
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
        return verdicts.isEmpty() ? this : new LedgerShard(store, version, size, new ArrayList<>(), footprint);
    }

    /**
     * @param eventId an eventId
     * @return its entry in this version, or null
     * @throws IllegalStateException when this version is older than the undo logs the store keeps
     */
    public LedgerEntry get(String eventId) {
        if (store == null) {
            return null;
        }
        synchronized (store) {
            store.awaitIdle();
            int hash = mix(eventId.hashCode());
            if (store.version != version) {
                for (Iterator<UndoLog> logs = store.logsBackTo(version); logs.hasNext();) {
                    // The oldest log that holds the eventId has its entry as this version had it.
                    UndoLog log = logs.next();
                    int at = log.indexOf(eventId);
                    if (at >= 0) {
                        return log.before.get(at);
                    }
                }
            }
            return store.segments[hash >>> 24].get(eventId, hash);
        }
    }

    /** Harm level (3 bits), category (4), report type (2) and the re-qualified flag in one int. */
    static int pack(LedgerEntry entry) {
        return entry.harmLevel().ordinal() | entry.category().ordinal() << 3 | entry.reportType().ordinal() << 7
                | (entry.requalified() ? 1 << 9 : 0);
    }

    static LedgerEntry unpack(String ward, int code, long occurred, long first, long updated) {
        return new LedgerEntry(ward, HarmLevel.values()[code & 0x7], EventCategory.values()[(code >>> 3) & 0xF],
                ReportType.values()[(code >>> 7) & 0x3], occurred, first, updated, (code & (1 << 9)) != 0);
    }

    /**
     * Starts the next version, to which {@link Builder#put} adds; this version reads as before. Finish with
     * {@link Builder#build}, or {@link Builder#abandon} when the batch fails half-way.
     *
     * @param extra how many entries the batch may add at most: a segment the batch writes to is grown for its share
     *     of them at once, rather than step by step
     * @param dropBefore entries first seen before this batch time (epoch millis) are forgotten (the horizon): a
     *     segment the batch writes to drops them once they are an eighth of it; {@link Long#MIN_VALUE} keeps all.
     *     Forgotten entries still held are ignored by the rule ({@code LedgerRule}), so when they are dropped changes
     *     only the memory held, never a verdict.
     * @return the builder
     * @throws IllegalStateException when this version is older than the undo logs the store keeps
     */
    public Builder next(int extra, long dropBefore) {
        if (store == null) {
            return new Builder(new SegmentStore(), false, size, extra, dropBefore);
        }
        synchronized (store) {
            store.awaitIdle();
            if (store.version == version) {
                // The usual case: this is the store's newest version, written in place.
                store.busy = true;
                return new Builder(store, true, size, extra, dropBefore);
            }
        }
        // Read again after the store moved on: a private copy, rolled back to this version, leaves the newer versions
        // as they are. No one else sees the copy, so the builder keeps no undo log of it.
        return new Builder(copyOfThisVersion(), false, size, extra, dropBefore);
    }

    /** Fills the next version of a shard in its store; used by one task, then {@link #build} or {@link #abandon}. */
    public static final class Builder {
        private final SegmentStore store;
        private final boolean[] touched = new boolean[SEGMENTS];
        private final long dropBefore;
        private final int extraPerSegment;
        /** What this batch changed, when others may read the version before in this store; else null. */
        private final UndoLog undo;
        private int size;
        private final ArrayList<Verdict> verdicts = new ArrayList<>();
        private boolean finished;

        private Builder(SegmentStore store, boolean shared, int size, int extra, long dropBefore) {
            this.store = store;
            this.size = size;
            this.dropBefore = dropBefore;
            // The eventIds spread evenly over the segments: a segment's share, with room for the uneven ones.
            this.extraPerSegment = extra / SEGMENTS * 2 + 1;
            this.undo = shared ? new UndoLog(store.version + 1) : null;
        }

        /**
         * @param eventId an eventId
         * @return its entry in the version being built, or null
         */
        public LedgerEntry get(String eventId) {
            int hash = mix(eventId.hashCode());
            return store.segments[hash >>> 24].get(eventId, hash);
        }

        /**
         * @param eventId an eventId
         * @param entry its new entry
         */
        public void put(String eventId, LedgerEntry entry) {
            int hash = mix(eventId.hashCode());
            int s = hash >>> 24;
            LedgerSegment segment = store.segments[s];
            long before = segment.footprint();
            if (!touched[s]) {
                touched[s] = true;
                size -= segment.dropForgotten(dropBefore, undo);
                segment.reserve(extraPerSegment);
            }
            if (undo != null) {
                undo.add(eventId, segment.get(eventId, hash));
            }
            if (segment.put(eventId, hash, entry)) {
                size++;
            }
            store.footprint += segment.footprint() - before;
        }

        /** @param verdict a verdict of this batch */
        public void verdict(Verdict verdict) {
            verdicts.add(verdict);
        }

        /** @return the new version; the store's newest from now on */
        public LedgerShard build() {
            synchronized (store) {
                checkOpen();
                store.version++;
                if (undo != null) {
                    store.keep(undo);
                }
                LedgerShard made = new LedgerShard(store, store.version, size, verdicts);
                store.release();
                return made;
            }
        }

        /** Undoes what this builder wrote: the store is back at the version it started from. */
        public void abandon() {
            synchronized (store) {
                checkOpen();
                if (undo != null) {
                    undo.apply(store);
                }
                // A private store is dropped with this builder; a shared one is back where it was.
                store.release();
            }
        }

        private void checkOpen() {
            if (finished) {
                throw new IllegalStateException("this ledger version was already built or abandoned");
            }
            finished = true;
        }
    }





    /** The bucket took the hash's low bits; the segment its top byte, the slot its low bits after mixing. */
    static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Heap bytes: the segments' arrays (40 bytes a slot, at most 0.6 of them used, and the eventIds' packed
     * characters) and the verdicts (about 120 bytes each). Versions sharing a store each count it: Spark keeps at
     * most two cached, and over-counting errs towards freeing memory.
     *
     * @return estimated bytes
     */
    @Override
    public long estimatedSize() {
        return 96 + SEGMENTS * 64L + footprint + verdicts.size() * 120L;
    }

    /**
     * Java serialization writes the entries of this version only (Kryo's form, {@link LedgerShardKryoForm}, is the one
     * the job uses; this one keeps the class serializable without the store's undo logs and lock).
     */
    private Object writeReplace() {
        return new Snapshot(this);
    }

    /** The serialized form of a shard: its entries and verdicts as lists, read back into a new store. */
    private static final class Snapshot implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> ids = new ArrayList<>();
        private final ArrayList<LedgerEntry> entries = new ArrayList<>();
        final ArrayList<Verdict> verdicts;

        Snapshot(LedgerShard shard) {
            shard.forEach((id, entry) -> {
                ids.add(id);
                entries.add(entry);
            });
            verdicts = shard.verdicts;
        }

        private Object readResolve() {
            Builder builder = EMPTY.next(ids.size(), Long.MIN_VALUE);
            for (int i = 0; i < ids.size(); i++) {
                builder.put(ids.get(i), entries.get(i));
            }
            verdicts.forEach(builder::verdict);
            return builder.build();
        }
    }

    /** @return a new store holding this version's entries, at this version, with no undo log */
    private SegmentStore copyOfThisVersion() {
        synchronized (store) {
            store.awaitIdle();
            return store.copyAt(version);
        }
    }

    /** Receives one entry of a version. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(String eventId, LedgerEntry entry);
    }

    /** Receives one entry of a version as a segment stores it (see {@link LedgerSegment}). */
    @FunctionalInterface
    interface PackedEntryVisitor {
        void visit(byte[] keys, int keyAt, int ward, int code, long occurredAt, long firstSeen, long updatedAt);
    }

    /** Visits every entry of this version, segment by segment (of a version the store moved on from: a copy). */
    void forEach(EntryVisitor visitor) {
        forEachSegment(segment -> segment.forEach(visitor));
    }

    /** As {@link #forEach}, each entry as stored. */
    void forEachPacked(PackedEntryVisitor visitor) {
        forEachSegment(segment -> segment.forEachPacked(visitor));
    }

    /** Gives each segment of this version in turn, holding the store's lock throughout so that no batch writes it. */
    void forEachSegment(java.util.function.Consumer<LedgerSegment> action) {
        if (store == null) {
            return;
        }
        synchronized (store) {
            store.awaitIdle();
            LedgerSegment[] segments = store.version == version ? store.segments : store.copyAt(version).segments;
            for (LedgerSegment segment : segments) {
                action.accept(segment);
            }
        }
    }


    @Override
    public String toString() {
        return "LedgerShard[" + size + " entries, " + verdicts.size() + " verdicts]";
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * One bucket of the incident ledger (docs/DESIGN.md "The incident ledger"): eventId to {@link LedgerEntry} for the
 * eventIds whose hash falls in the bucket, as one version of the bucket, plus the verdicts of the batch that made this
 * version. The entries live in a {@link Store} of {@value #SEGMENTS} segments, each an open-addressing table of
 * parallel arrays (where the eventId's characters start in the segment's packed keys, its hash, the ward's number,
 * one packed int for harm level, category, report type and the re-qualified flag, three longs for the times): no
 * object per entry (see {@link Segment} for why).
 *
 * <p>Why not Spark's {@code mapWithState}: its state map keeps an object graph per entry (a state record, the entry,
 * boxed times) that Spark's SizeEstimator walked after every batch and Kryo wrote object by object at every
 * checkpoint, both growing with the ledger (docs/PERFORMANCE.md "Why the code is shaped this way"). Here the
 * size is known ({@link KnownSizeEstimation}) and {@link KryoForm} writes the arrays in one loop.
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

    /** Undo logs a store keeps: how many versions back a version can still be read or rebuilt in memory. */
    static final int HISTORY = 8;

    private static final LedgerShard EMPTY = new LedgerShard(null, 0, 0, new ArrayList<>());

    /** The entries, shared by the versions made from one another in this JVM; null for the empty bucket. */
    private final transient Store store;
    private final long version;
    private final int size;
    private final ArrayList<Verdict> verdicts;
    /** The store's heap bytes when this version was made: Spark sizes a cached partition many times as it fills. */
    private final long footprint;

    private LedgerShard(Store store, long version, int size, ArrayList<Verdict> verdicts) {
        this(store, version, size, verdicts, store == null ? 0 : store.footprint);
    }

    private LedgerShard(Store store, long version, int size, ArrayList<Verdict> verdicts, long footprint) {
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
                for (Iterator<Undo> logs = store.logsBackTo(version); logs.hasNext();) {
                    // The oldest log that holds the eventId has its entry as this version had it.
                    Undo log = logs.next();
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
    private static int pack(LedgerEntry entry) {
        return entry.harmLevel().ordinal() | entry.category().ordinal() << 3 | entry.reportType().ordinal() << 7
                | (entry.requalified() ? 1 << 9 : 0);
    }

    private static LedgerEntry unpack(String ward, int code, long occurred, long first, long updated) {
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
            return new Builder(new Store(), false, size, extra, dropBefore);
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
        private final Store store;
        private final boolean[] touched = new boolean[SEGMENTS];
        private final long dropBefore;
        private final int extraPerSegment;
        /** What this batch changed, when others may read the version before in this store; else null. */
        private final Undo undo;
        private int size;
        private final ArrayList<Verdict> verdicts = new ArrayList<>();
        private boolean finished;

        private Builder(Store store, boolean shared, int size, int extra, long dropBefore) {
            this.store = store;
            this.size = size;
            this.dropBefore = dropBefore;
            // The eventIds spread evenly over the segments: a segment's share, with room for the uneven ones.
            this.extraPerSegment = extra / SEGMENTS * 2 + 1;
            this.undo = shared ? new Undo(store.version + 1) : null;
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
            Segment segment = store.segments[s];
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

    /**
     * The entries of the versions made from one another, newest in place, with the undo logs back to the
     * {@value #HISTORY} before. Guarded by its own monitor; {@code busy} while a builder writes to it.
     */
    private static final class Store {
        private final Segment[] segments = new Segment[SEGMENTS];
        private final ArrayDeque<Undo> logs = new ArrayDeque<>();
        private long version;
        private boolean busy;
        /**
         * Heap bytes of all segments' arrays, kept as they change: summing them would read 256 arrays spread over
         * the heap, a cache miss each, for every bucket of every batch.
         */
        private long footprint;

        Store() {
            for (int i = 0; i < SEGMENTS; i++) {
                segments[i] = new Segment(0);
            }
        }

        void awaitIdle() {
            boolean interrupted = false;
            while (busy) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void release() {
            busy = false;
            notifyAll();
        }



        void keep(Undo log) {
            logs.addFirst(log);
            while (logs.size() > HISTORY) {
                logs.removeLast();
            }
        }

        /** @return the undo logs from the newest version down to the one just after {@code target}, newest first */
        Iterator<Undo> logsBackTo(long target) {
            if (target > version || version - target > logs.size()) {
                throw new IllegalStateException("ledger version " + target + " is no longer held in memory (the "
                        + "store is at version " + version + " and keeps " + HISTORY + " undo logs)");
            }
            ArrayList<Undo> path = new ArrayList<>();
            for (Undo log : logs) {
                if (log.version <= target) {
                    break;
                }
                path.add(log);
            }
            // Oldest first for a lookup: the first log holding an eventId has its entry as the target had it.
            java.util.Collections.reverse(path);
            return path.iterator();
        }

        /** @return a new store with this one's entries as they stood at {@code target}, and no undo log */
        Store copyAt(long target) {
            Iterator<Undo> path = logsBackTo(target);
            ArrayList<Undo> newestFirst = new ArrayList<>();
            path.forEachRemaining(newestFirst::add);
            java.util.Collections.reverse(newestFirst);
            Store copy = new Store();
            for (int i = 0; i < SEGMENTS; i++) {
                copy.segments[i] = segments[i].copy();
            }
            copy.footprint = footprint;
            for (Undo log : newestFirst) {
                log.apply(copy);
            }
            copy.version = target;
            return copy;
        }
    }

    /**
     * What one version changed, to undo it: each eventId it wrote or dropped with the entry it had before (null: it
     * had none), in the order written. Only the first record of an eventId matters for the version before.
     */
    private static final class Undo {
        private final long version;
        private final ArrayList<String> ids = new ArrayList<>();
        private final ArrayList<LedgerEntry> before = new ArrayList<>();

        Undo(long version) {
            this.version = version;
        }

        void add(String eventId, LedgerEntry entry) {
            ids.add(eventId);
            before.add(entry);
        }

        int indexOf(String eventId) {
            return ids.indexOf(eventId);
        }

        /** Turns the store's entries of {@link #version} into those of the version before, in reverse order. */
        void apply(Store store) {
            for (int i = ids.size() - 1; i >= 0; i--) {
                String id = ids.get(i);
                int hash = mix(id.hashCode());
                Segment segment = store.segments[hash >>> 24];
                long footprint = segment.footprint();
                if (before.get(i) == null) {
                    segment.remove(id, hash);
                } else {
                    segment.put(id, hash, before.get(i));
                }
                store.footprint += segment.footprint() - footprint;
            }
        }
    }

    /**
     * One segment: an open-addressing table with linear probing, load at most 0.6, changed in place. It holds no
     * object per entry: the eventIds are packed into one byte array ({@link #keys}), each slot keeps its hash, and
     * the wards are numbers ({@link WardNames}). Why (docs/PERFORMANCE.md "No object per ledger entry"): the table
     * lives in the old generation and a batch writes into it; each reference it stored to a string the batch had
     * just made was a card for G1 to scan at the next young collection (most of the collector's pause time in a
     * backlog run), and each probe followed a reference to compare strings. Packed, a backlog batch's update is
     * faster and the ledger smaller.
     */
    private static final class Segment {

        private static final int MIN_CAPACITY = 8;
        private static final byte[] NO_KEYS = new byte[0];

        /** Per slot: 0 when free, else 1 + where the eventId starts in {@link #keys}. */
        private int[] keyAt;
        /** Per slot: the eventId's mixed hash, so that probing and re-hashing need not decode the eventId. */
        private int[] hashes;
        private int[] wards;
        private int[] codes;
        private long[] occurredAt;
        private long[] firstSeen;
        private long[] updatedAt;
        /**
         * The eventIds, packed one after another ({@link PackedChars}: lossless for every string, lone surrogates
         * included, where UTF-8 would turn those into '?' and make two eventIds one).
         */
        private byte[] keys = NO_KEYS;
        private int keysUsed;
        /** Bytes of {@link #keys} no slot refers to any more (removed entries), reclaimed when the keys grow. */
        private int keysFree;
        private int size;
        /** No entry was first seen before this batch time: {@link #dropForgotten} need not look before it is past. */
        private long oldestFirstSeen = Long.MAX_VALUE;

        Segment(int capacity) {
            allocate(capacity);
        }

        private void allocate(int capacity) {
            keyAt = new int[capacity];
            hashes = new int[capacity];
            wards = new int[capacity];
            codes = new int[capacity];
            occurredAt = new long[capacity];
            firstSeen = new long[capacity];
            updatedAt = new long[capacity];
        }

        Segment copy() {
            Segment copy = new Segment(0);
            copy.keyAt = keyAt.clone();
            copy.hashes = hashes.clone();
            copy.wards = wards.clone();
            copy.codes = codes.clone();
            copy.occurredAt = occurredAt.clone();
            copy.firstSeen = firstSeen.clone();
            copy.updatedAt = updatedAt.clone();
            copy.keys = keys.clone();
            copy.keysUsed = keysUsed;
            copy.keysFree = keysFree;
            copy.size = size;
            copy.oldestFirstSeen = oldestFirstSeen;
            return copy;
        }

        /** @return heap bytes of the segment's arrays */
        long footprint() {
            return keyAt.length * 40L + keys.length;
        }

        LedgerEntry get(String eventId, int hash) {
            if (size == 0) {
                return null;
            }
            int slot = find(eventId, hash);
            return keyAt[slot] == 0 ? null : entryAt(slot);
        }

        private LedgerEntry entryAt(int slot) {
            return unpack(WardNames.name(wards[slot]), codes[slot], occurredAt[slot], firstSeen[slot],
                    updatedAt[slot]);
        }

        /** Linear probing from the hash's low bits; the table always has a free slot. */
        private int find(String eventId, int hash) {
            int mask = keyAt.length - 1;
            int slot = hash & mask;
            while (keyAt[slot] != 0 && (hashes[slot] != hash || !sameKey(keyAt[slot] - 1, eventId))) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        /** @return whether the key stored at {@code at} is {@code eventId} */
        private boolean sameKey(int at, String eventId) {
            return PackedChars.equals(keys, at, eventId);
        }

        /** @return the eventId stored at {@code at} */
        private String keyString(int at) {
            return PackedChars.read(keys, at);
        }

        /** @return bytes the key stored at {@code at} takes, header included */
        private int keyBytes(int at) {
            return PackedChars.size(keys, at);
        }

        /** Appends {@code eventId} to the keys; @return 1 + where it starts */
        private int addKey(String eventId) {
            // An upper bound, as before the shared codec: the eventId is scanned once, by write.
            int need = PackedChars.maxBytes(eventId);
            if (keysUsed + need > keys.length) {
                growKeys(need);
            }
            int start = keysUsed;
            keysUsed = PackedChars.write(eventId, keys, start);
            return start + 1;
        }

        /** Makes room for {@code need} more key bytes: reclaims removed keys' bytes when they are many, else grows. */
        private void growKeys(int need) {
            int live = keysUsed - keysFree;
            byte[] grown = new byte[Math.max(64, Integer.highestOneBit(Math.max(1, live + need)) * 2)];
            if (keysFree == 0) {
                System.arraycopy(keys, 0, grown, 0, keysUsed);
                keys = grown;
                return;
            }
            int at = 0;
            for (int slot = 0; slot < keyAt.length; slot++) {
                if (keyAt[slot] != 0) {
                    int from = keyAt[slot] - 1;
                    int bytes = keyBytes(from);
                    System.arraycopy(keys, from, grown, at, bytes);
                    keyAt[slot] = at + 1;
                    at += bytes;
                }
            }
            keys = grown;
            keysUsed = at;
            keysFree = 0;
        }

        private static int capacityFor(int entries) {
            int capacity = MIN_CAPACITY;
            while (entries * 10L > capacity * 6L) {
                capacity *= 2;
            }
            return capacity;
        }

        /** Makes room for {@code extra} more entries at once: one re-hash instead of one per doubling. */
        void reserve(int extra) {
            if ((size + extra) * 10L > keyAt.length * 6L) {
                rehash(capacityFor(size + extra));
            }
        }

        private void rehash(int capacity) {
            rehash(capacity, Long.MIN_VALUE, null);
        }

        /**
         * Re-hashes the entries into new tables of {@code capacity} slots, leaving out those first seen before
         * {@code dropBefore} ({@link Long#MIN_VALUE}: none), each into {@code undo} when not null. The keys stay
         * where they are in {@link #keys}; a dropped one's bytes are reclaimed when the keys grow.
         */
        private void rehash(int capacity, long dropBefore, Undo undo) {
            Segment old = new Segment(0);
            old.keyAt = keyAt;
            old.hashes = hashes;
            old.wards = wards;
            old.codes = codes;
            old.occurredAt = occurredAt;
            old.firstSeen = firstSeen;
            old.updatedAt = updatedAt;
            allocate(capacity);
            int mask = capacity - 1;
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < old.keyAt.length; i++) {
                if (old.keyAt[i] == 0) {
                    continue;
                }
                if (old.firstSeen[i] < dropBefore) {
                    if (undo != null) {
                        undo.add(keyString(old.keyAt[i] - 1), old.entryAt(i));
                    }
                    keysFree += keyBytes(old.keyAt[i] - 1);
                    size--;
                    continue;
                }
                // The keys are distinct: the first free slot from the home slot is the entry's.
                int slot = old.hashes[i] & mask;
                while (keyAt[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                copyEntry(old, i, slot);
                oldest = Math.min(oldest, old.firstSeen[i]);
            }
            oldestFirstSeen = oldest;
        }

        /** Copies the entry in slot {@code from} of {@code source} into this segment's slot {@code to}. */
        private void copyEntry(Segment source, int from, int to) {
            keyAt[to] = source.keyAt[from];
            hashes[to] = source.hashes[from];
            wards[to] = source.wards[from];
            codes[to] = source.codes[from];
            occurredAt[to] = source.occurredAt[from];
            firstSeen[to] = source.firstSeen[from];
            updatedAt[to] = source.updatedAt[from];
        }

        /**
         * Drops the entries first seen before {@code dropBefore} once they are more than an eighth of the segment
         * (not at every write, since a drop re-hashes every entry), each into the undo log.
         *
         * @return how many were dropped
         */
        int dropForgotten(long dropBefore, Undo undo) {
            if (dropBefore == Long.MIN_VALUE || oldestFirstSeen >= dropBefore || size == 0) {
                return 0;
            }
            int forgotten = 0;
            for (int i = 0; i < keyAt.length; i++) {
                if (keyAt[i] != 0 && firstSeen[i] < dropBefore) {
                    forgotten++;
                }
            }
            if (forgotten <= size / 8) {
                return 0;
            }
            rehash(capacityFor(size - forgotten), dropBefore, undo);
            return forgotten;
        }

        /** @return true when the eventId is new to the segment */
        boolean put(String eventId, int hash, LedgerEntry entry) {
            if ((size + 1) * 10L > keyAt.length * 6L) {
                rehash(capacityFor(size + 1) * 2);
            }
            int slot = find(eventId, hash);
            boolean added = keyAt[slot] == 0;
            if (added) {
                size++;
                keyAt[slot] = addKey(eventId);
                hashes[slot] = hash;
            }
            wards[slot] = WardNames.indexOf(entry.wardId());
            codes[slot] = pack(entry);
            occurredAt[slot] = entry.occurredAtMillis();
            firstSeen[slot] = entry.firstSeenBatchTime();
            updatedAt[slot] = entry.updatedAtMillis();
            oldestFirstSeen = Math.min(oldestFirstSeen, entry.firstSeenBatchTime());
            return added;
        }

        /** Removes an entry (undo of an insert), shifting back the entries after it in its probe run. */
        void remove(String eventId, int hash) {
            if (size == 0) {
                return;
            }
            int mask = keyAt.length - 1;
            int hole = find(eventId, hash);
            if (keyAt[hole] == 0) {
                return;
            }
            keysFree += keyBytes(keyAt[hole] - 1);
            size--;
            int next = hole;
            while (true) {
                next = (next + 1) & mask;
                if (keyAt[next] == 0) {
                    break;
                }
                int home = hashes[next] & mask;
                // The entry at next may fill the hole unless its home slot lies cyclically in (hole, next].
                boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
                if (!stays) {
                    copyEntry(this, next, hole);
                    hole = next;
                }
            }
            keyAt[hole] = 0;
        }

        /** Visits every entry, decoding its eventId. */
        void forEach(EntryVisitor visitor) {
            for (int i = 0; i < keyAt.length; i++) {
                if (keyAt[i] != 0) {
                    visitor.visit(keyString(keyAt[i] - 1), entryAt(i));
                }
            }
        }

        /** Visits every entry as stored: its eventId's packed form and its fields, with no object made. */
        void forEachPacked(PackedEntryVisitor visitor) {
            for (int i = 0; i < keyAt.length; i++) {
                if (keyAt[i] != 0) {
                    visitor.visit(keys, keyAt[i] - 1, wards[i], codes[i], occurredAt[i], firstSeen[i], updatedAt[i]);
                }
            }
        }
    }

    /**
     * The ward ids the ledger's entries name, numbered once per JVM: a segment keeps a number per entry, not a
     * reference (see {@link Segment}). A hospital has tens to hundreds of wards; the table only grows, like the
     * wards' own state ({@code WardStatus}), which also keeps every ward ever counted. Thread-safe: tasks of
     * several buckets number wards at once.
     */
    private static final class WardNames {
        private static final ConcurrentHashMap<String, Integer> NUMBERS = new ConcurrentHashMap<>();
        private static volatile String[] names = new String[64];
        private static int count;

        private WardNames() {
        }

        static int indexOf(String ward) {
            Integer number = NUMBERS.get(ward);
            return number != null ? number : add(ward);
        }

        private static synchronized int add(String ward) {
            Integer number = NUMBERS.get(ward);
            if (number != null) {
                return number;
            }
            String[] current = names;
            if (count == current.length) {
                current = Arrays.copyOf(current, count * 2);
            }
            current[count] = ward;
            // Published before the number: a reader that finds the number reads a names array holding it.
            names = current;
            NUMBERS.put(ward, count);
            return count++;
        }

        static String name(int number) {
            return names[number];
        }
    }

    /** The bucket took the hash's low bits; the segment its top byte, the slot its low bits after mixing. */
    private static int mix(int hash) {
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
     * Java serialization writes the entries of this version only (Kryo's form, {@link KryoForm}, is the one the job
     * uses; this one keeps the class serializable without the store's undo logs and lock).
     */
    private Object writeReplace() {
        return new Snapshot(this);
    }

    /** The serialized form of a shard: its entries and verdicts as lists, read back into a new store. */
    private static final class Snapshot implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> ids = new ArrayList<>();
        private final ArrayList<LedgerEntry> entries = new ArrayList<>();
        private final ArrayList<Verdict> verdicts;

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
    private Store copyOfThisVersion() {
        synchronized (store) {
            store.awaitIdle();
            return store.copyAt(version);
        }
    }

    /** Receives one entry of a version. */
    @FunctionalInterface
    private interface EntryVisitor {
        void visit(String eventId, LedgerEntry entry);
    }

    /** Receives one entry of a version as a segment stores it (see {@link Segment}). */
    @FunctionalInterface
    private interface PackedEntryVisitor {
        void visit(byte[] keys, int keyAt, int ward, int code, long occurredAt, long firstSeen, long updatedAt);
    }

    /** Visits every entry of this version, segment by segment (of a version the store moved on from: a copy). */
    private void forEach(EntryVisitor visitor) {
        forEachSegment(segment -> segment.forEach(visitor));
    }

    /** As {@link #forEach}, each entry as stored. */
    private void forEachPacked(PackedEntryVisitor visitor) {
        forEachSegment(segment -> segment.forEachPacked(visitor));
    }

    /** Gives each segment of this version in turn, holding the store's lock throughout so that no batch writes it. */
    private void forEachSegment(java.util.function.Consumer<Segment> action) {
        if (store == null) {
            return;
        }
        synchronized (store) {
            store.awaitIdle();
            Segment[] segments = store.version == version ? store.segments : store.copyAt(version).segments;
            for (Segment segment : segments) {
                action.accept(segment);
            }
        }
    }

    /**
     * Kryo's form of a shard (checkpoints): the entry count, then per entry the eventId, the ward id, the packed codes
     * and the three times, in one loop over the segments; then the verdicts. Read back into a new store.
     */
    public static final class KryoForm extends com.esotericsoftware.kryo.Serializer<LedgerShard> {

        /**
         * Longest eventId written without making its string: Kryo's {@code Output.writeString} writes 2 to 63 ASCII
         * chars as their bytes, the last with its high bit set; anything else as a length and UTF-8.
         */
        private static final int KRYO_ASCII_MAX = 63;

        @Override
        public void write(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Output output,
                LedgerShard shard) {
            output.writeInt(shard.size, true);
            // Byte for byte what writeString(eventId) wrote, without a String per entry: at millions of entries,
            // making each eventId's string and scanning it again was much of a checkpoint's CPU
            // (docs/PERFORMANCE.md "Why the code is shaped this way"). Entries are written as the segments store
            // them, so none is made either.
            byte[] ascii = new byte[KRYO_ASCII_MAX];
            shard.forEachPacked((keys, keyAt, ward, code, occurred, first, updated) -> {
                int length = PackedChars.copyAscii(keys, keyAt, ascii);
                if (length > 1) {
                    ascii[length - 1] |= (byte) 0x80;
                    output.writeBytes(ascii, 0, length);
                } else {
                    output.writeString(PackedChars.read(keys, keyAt));
                }
                output.writeString(WardNames.name(ward));
                output.writeInt(code, true);
                output.writeLong(occurred);
                output.writeVarLong(first - occurred, false);
                output.writeLong(updated);
            });
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

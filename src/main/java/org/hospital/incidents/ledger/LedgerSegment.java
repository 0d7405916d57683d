package org.hospital.incidents.ledger;

import org.hospital.incidents.model.LedgerEntry;

/**
 * One segment: an open-addressing table with linear probing, load at most 0.6, changed in place. It holds no
 * object per entry: the eventIds are packed into one byte array ({@link #keys}), each slot keeps its hash, and
 * the wards are numbers ({@link WardNames}). Why (docs/PERFORMANCE.md "No object per ledger entry"): the table
 * lives in the old generation and a batch writes into it; each reference it stored to a string the batch had
 * just made was a card for G1 to scan at the next young collection (most of the collector's pause time in a
 * backlog run), and each probe followed a reference to compare strings. Packed, a backlog batch's update is
 * faster and the ledger smaller.
 */
final class LedgerSegment {

    static final int MIN_CAPACITY = 8;
    static final byte[] NO_KEYS = new byte[0];

    /** Per slot: 0 when free, else 1 + where the eventId starts in {@link #keys}. */
    int[] keyAt;
    /** Per slot: the eventId's mixed hash, so that probing and re-hashing need not decode the eventId. */
    int[] hashes;
    int[] wards;
    int[] codes;
    long[] occurredAt;
    long[] firstSeen;
    long[] updatedAt;
    /**
     * The eventIds, packed one after another ({@link PackedChars}: lossless for every string, lone surrogates
     * included, where UTF-8 would turn those into '?' and make two eventIds one).
     */
    byte[] keys = NO_KEYS;
    int keysUsed;
    /** Bytes of {@link #keys} no slot refers to any more (removed entries), reclaimed when the keys grow. */
    int keysFree;
    int size;
    /** No entry was first seen before this batch time: {@link #dropForgotten} need not look before it is past. */
    long oldestFirstSeen = Long.MAX_VALUE;

    LedgerSegment(int capacity) {
        allocate(capacity);
    }

    void allocate(int capacity) {
        keyAt = new int[capacity];
        hashes = new int[capacity];
        wards = new int[capacity];
        codes = new int[capacity];
        occurredAt = new long[capacity];
        firstSeen = new long[capacity];
        updatedAt = new long[capacity];
    }

    LedgerSegment copy() {
        LedgerSegment copy = new LedgerSegment(0);
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

    LedgerEntry entryAt(int slot) {
        return LedgerShard.unpack(WardNames.name(wards[slot]), codes[slot], occurredAt[slot], firstSeen[slot],
                updatedAt[slot]);
    }

    /** Linear probing from the hash's low bits; the table always has a free slot. */
    int find(String eventId, int hash) {
        int mask = keyAt.length - 1;
        int slot = hash & mask;
        while (keyAt[slot] != 0 && (hashes[slot] != hash || !sameKey(keyAt[slot] - 1, eventId))) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** @return whether the key stored at {@code at} is {@code eventId} */
    boolean sameKey(int at, String eventId) {
        return PackedChars.equals(keys, at, eventId);
    }

    /** @return the eventId stored at {@code at} */
    String keyString(int at) {
        return PackedChars.read(keys, at);
    }

    /** @return bytes the key stored at {@code at} takes, header included */
    int keyBytes(int at) {
        return PackedChars.size(keys, at);
    }

    /** Appends {@code eventId} to the keys; @return 1 + where it starts */
    int addKey(String eventId) {
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
    void growKeys(int need) {
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

    static int capacityFor(int entries) {
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

    void rehash(int capacity) {
        rehash(capacity, Long.MIN_VALUE, null);
    }

    /**
     * Re-hashes the entries into new tables of {@code capacity} slots, leaving out those first seen before
     * {@code dropBefore} ({@link Long#MIN_VALUE}: none), each into {@code undo} when not null. The keys stay
     * where they are in {@link #keys}; a dropped one's bytes are reclaimed when the keys grow.
     */
    void rehash(int capacity, long dropBefore, UndoLog undo) {
        LedgerSegment old = new LedgerSegment(0);
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
    void copyEntry(LedgerSegment source, int from, int to) {
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
    int dropForgotten(long dropBefore, UndoLog undo) {
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
        codes[slot] = LedgerShard.pack(entry);
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
    void forEach(LedgerShard.EntryVisitor visitor) {
        for (int i = 0; i < keyAt.length; i++) {
            if (keyAt[i] != 0) {
                visitor.visit(keyString(keyAt[i] - 1), entryAt(i));
            }
        }
    }

    /** Visits every entry as stored: its eventId's packed form and its fields, with no object made. */
    void forEachPacked(LedgerShard.PackedEntryVisitor visitor) {
        for (int i = 0; i < keyAt.length; i++) {
            if (keyAt[i] != 0) {
                visitor.visit(keys, keyAt[i] - 1, wards[i], codes[i], occurredAt[i], firstSeen[i], updatedAt[i]);
            }
        }
    }
}

package org.hospital.incidents.ledger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * The entries of the versions made from one another, newest in place, with the undo logs back to the
 * {@value #LedgerShard.HISTORY} before. Guarded by its own monitor; {@code busy} while a builder writes to it.
 */
final class SegmentStore {
    final LedgerSegment[] segments = new LedgerSegment[LedgerShard.SEGMENTS];
    final ArrayDeque<UndoLog> logs = new ArrayDeque<>();
    long version;
    boolean busy;
    /**
     * Heap bytes of all segments' arrays, kept as they change: summing them would read 256 arrays spread over
     * the heap, a cache miss each, for every bucket of every batch.
     */
    long footprint;

    SegmentStore() {
        for (int i = 0; i < LedgerShard.SEGMENTS; i++) {
            segments[i] = new LedgerSegment(0);
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



    void keep(UndoLog log) {
        logs.addFirst(log);
        while (logs.size() > LedgerShard.HISTORY) {
            logs.removeLast();
        }
    }

    /** @return the undo logs from the newest version down to the one just after {@code target}, newest first */
    Iterator<UndoLog> logsBackTo(long target) {
        if (target > version || version - target > logs.size()) {
            throw new IllegalStateException("ledger version " + target + " is no longer held in memory (the "
                    + "store is at version " + version + " and keeps " + LedgerShard.HISTORY + " undo logs)");
        }
        ArrayList<UndoLog> path = new ArrayList<>();
        for (UndoLog log : logs) {
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
    SegmentStore copyAt(long target) {
        Iterator<UndoLog> path = logsBackTo(target);
        ArrayList<UndoLog> newestFirst = new ArrayList<>();
        path.forEachRemaining(newestFirst::add);
        java.util.Collections.reverse(newestFirst);
        SegmentStore copy = new SegmentStore();
        for (int i = 0; i < LedgerShard.SEGMENTS; i++) {
            copy.segments[i] = segments[i].copy();
        }
        copy.footprint = footprint;
        for (UndoLog log : newestFirst) {
            log.apply(copy);
        }
        copy.version = target;
        return copy;
    }
}

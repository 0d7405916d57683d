package org.hospital.incidents.ledger;

import java.util.ArrayList;
import org.hospital.incidents.model.LedgerEntry;

/**
 * What one version changed, to undo it: each eventId it wrote or dropped with the entry it had before (null: it
 * had none), in the order written. Only the first record of an eventId matters for the version before.
 */
final class UndoLog {
    final long version;
    final ArrayList<String> ids = new ArrayList<>();
    final ArrayList<LedgerEntry> before = new ArrayList<>();

    UndoLog(long version) {
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
    void apply(SegmentStore store) {
        for (int i = ids.size() - 1; i >= 0; i--) {
            String id = ids.get(i);
            int hash = LedgerShard.mix(id.hashCode());
            LedgerSegment segment = store.segments[hash >>> 24];
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

package org.hospital.incidents.ledger;

import java.io.Serializable;
import org.hospital.incidents.model.LedgerEntry;

/**
 * The incident ledger's entries from before a new checkpoint (docs/DESIGN.md "Restarts and upgrades"), as the
 * ledger's update function sees them: one lookup per eventId it does not hold yet. Where they are kept and how they
 * are read is the stream's restart room's business ({@code stream.restart.LedgerSeedFolder}); the graph depends only
 * on this lookup, so the pipeline reads no file system itself.
 *
 * <p>Part of the graph, hence of every checkpoint: an implementation holds where its entries are, never the entries.
 */
public interface LedgerSeed extends Serializable {

    /**
     * Called on executors, from many tasks at once.
     *
     * @param eventId an eventId the ledger does not hold
     * @return its entry as counted before the new checkpoint, or null when it was not
     * @throws java.io.UncheckedIOException when the seed cannot be read (the batch fails and is retried: deciding
     *     without the seed could count a report twice)
     */
    LedgerEntry get(String eventId);
}

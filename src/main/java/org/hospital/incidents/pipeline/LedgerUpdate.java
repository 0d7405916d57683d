package org.hospital.incidents.pipeline;

import org.hospital.incidents.ledger.LedgerRule;
import org.hospital.incidents.ledger.LedgerSeed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.pipeline.batch.BatchSlice;
import org.hospital.incidents.pipeline.batch.BucketLines;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.model.Verdict;

/**
 * The {@code updateStateByKey} function that keeps the incident ledger (docs/DESIGN.md "The incident ledger"): shape
 * {@code (the batch's lines of one ledger bucket, the bucket's previous version) -> its new version}, whose
 * {@link LedgerShard#verdicts()} say what became of each line. The rule itself is {@link LedgerRule}; this class
 * adds the buckets, the horizon and the seed.
 *
 * <p>The ledger is keyed by bucket ({@link BatchSlice#bucket}), not by eventId: a few hundred compact tables instead
 * of one Spark state record per eventId (see {@link LedgerShard} for why). A bucket without lines in a batch keeps its
 * table as it is. An entry is forgotten by the rule one horizon after its first sighting, and dropped from the table
 * when such entries make up an eighth of it: the state is bounded by the reports of about one horizon.
 *
 * <p>On a new checkpoint the entries of the reports counted before it come from a {@link LedgerSeed}
 * ({@link StateSeed#ledger()}: the stream's restart room writes it from the archive with the same rule and reads it
 * back on executors); the state itself grows only with the eventIds seen after the start.
 */
public final class LedgerUpdate
        implements Function2<List<BucketLines>, Optional<LedgerShard>, Optional<LedgerShard>> {

    private static final long serialVersionUID = 1L;


    private final long horizonMillis;
    private final LedgerSeed seed;

    /** @param seed the horizon and the seed folder (may be null) */
    public LedgerUpdate(StateSeed seed) {
        this.horizonMillis = seed.dedupHorizonMillis();
        this.seed = seed.ledger();
    }

    @Override
    public Optional<LedgerShard> call(List<BucketLines> batch, Optional<LedgerShard> previous) {
        LedgerShard shard = previous.isPresent() ? previous.get() : LedgerShard.empty();
        if (batch.isEmpty()) {
            return Optional.of(shard.withoutVerdicts());
        }
        long batchTime = batch.get(0).batchTimeMillis();
        // One eventId may come more than once in a batch (an amendment with its original): its lines go together.
        Map<String, ArrayList<Candidate>> byEventId = new HashMap<>();
        for (BucketLines part : batch) {
            for (Candidate line : part.lines()) {
                byEventId.computeIfAbsent(line.eventId(), id -> new ArrayList<>(1)).add(line);
            }
        }
        LedgerShard.Builder next = shard.next(byEventId.size(), batchTime - horizonMillis);
        boolean built = false;
        try {
            List<Verdict> verdicts = new ArrayList<>(2);
            for (Map.Entry<String, ArrayList<Candidate>> lines : byEventId.entrySet()) {
                String eventId = lines.getKey();
                LedgerEntry held = next.get(eventId);
                LedgerEntry before = held != null ? held : seeded(eventId);
                verdicts.clear();
                LedgerEntry after = LedgerRule.applyAll(before, lines.getValue(), batchTime, horizonMillis, verdicts);
                if (after != null && (after != before || held == null)) {
                    next.put(eventId, after);
                }
                verdicts.forEach(next::verdict);
            }
            LedgerShard made = next.build();
            built = true;
            return Optional.of(made);
        } finally {
            if (!built) {
                // The ledger is written in place: a batch that fails half-way leaves it as it found it, so the
                // task's retry starts from the same entries (LedgerShard).
                next.abandon();
            }
        }
    }

    private LedgerEntry seeded(String eventId) {
        return seed == null ? null : seed.get(eventId);
    }
}

package org.hospital.incidents.pipeline.batch;

import org.hospital.incidents.model.Candidate;

import java.io.Serializable;
import java.util.ArrayList;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * One partition's accepted lines for one bucket of the incident ledger in one batch: what crosses the ledger's
 * shuffle (compact candidates only, never a raw line or patient data). The batch time travels along because Spark's
 * Java {@code updateStateByKey} does not pass it to the update function.
 *
 * @param batchTimeMillis the batch time, epoch millis
 * @param lines the candidates, in input order
 */
public record BucketLines(long batchTimeMillis, ArrayList<Candidate> lines)
        implements Serializable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    /** Heap bytes of one candidate with its eventId and ward strings, measured with Spark's SizeEstimator. */
    private static final long PER_CANDIDATE_BYTES = 160;

    /**
     * Why: {@code updateStateByKey}'s cogroup holds these in Spark's spillable map, which sizes itself with
     * SizeEstimator as it grows, and walking the candidates object by object dominated a backlog batch
     * (docs/PERFORMANCE.md "Why the code is shaped this way").
     *
     * @return estimated heap bytes
     */
    @Override
    public long estimatedSize() {
        return 64 + lines.size() * PER_CANDIDATE_BYTES;
    }
}

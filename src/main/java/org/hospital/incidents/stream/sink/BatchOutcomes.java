package org.hospital.incidents.stream.sink;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Driver-side record of what each batch wrote, so that the last output operation of a batch can print a
 * one-line summary and commit Kafka offsets only when every output of the batch was written.
 *
 * <p>One instance per streaming context, given to every output operation that records or reads it (the writer,
 * the Kafka commit, the summary). The output operations are written to the checkpoint with it, and Java
 * serialization keeps them sharing one instance after a recovery; what it recorded is not kept (transient), so after
 * a driver restart it starts empty, which is right since re-run batches write their outputs again. Output
 * operations of one batch run one after another on the driver (one streaming job at a time), in the order they were
 * registered.
 */
public final class BatchOutcomes implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * What a batch produced, and where each output's lines go: {@code <output root>/<folder>/batch-<millis>/
     * <partPrefix>-NNNNN} (DESIGN.md "Outputs"). CRITICAL and SURGE alerts share the {@code alerts} folder with
     * different part prefixes.
     */
    public enum Output {
        /** Accepted incidents: counted for the summary, not written. */
        INCIDENTS(null, null),
        /** Reports counted behind the event-time watermark (in the totals, in no window): counted, not written. */
        LATE(null, null),
        /** Rejected lines. */
        REJECTED("rejected", "part"),
        /** Ward-total lines. */
        WARD_TOTALS("ward-totals", "part"),
        /** Ward-window lines. */
        WARD_WINDOWS("ward-windows", "part"),
        /** CRITICAL alerts. */
        CRITICAL_ALERTS("alerts", "part-critical"),
        /** SURGE alerts. */
        SURGE_ALERTS("alerts", "part-surge"),
        /** Review queue: counted reports whose category is unclassified. */
        REVIEW("review", "part"),
        /** Applied re-qualifications. */
        REQUALIFICATIONS("requalifications", "part"),
        /** Applied amendments (docs/DESIGN.md "The incident ledger"). */
        AMENDMENTS("amendments", "part"),
        /**
         * The audit trail: who re-qualified what (applied and refused), which amendments were applied, and (written
         * by the archive's pruning, not by a batch) which archive days were deleted; never patient data.
         */
        AUDIT("audit", "part"),
        /** Archive entries: under {@code --archive}, {@code date=YYYY-MM-DD/batch-<millis>/part-NNNNN.gz}. */
        ARCHIVE("archive", "part");

        private final String folder;
        private final String partPrefix;

        Output(String folder, String partPrefix) {
            this.folder = folder;
            this.partPrefix = partPrefix;
        }

        /** @return output folder name under {@code --output}, or null for a count that is not written */
        public String folder() {
            return folder;
        }

        /** @return prefix of this output's part files within its batch folder */
        public String partPrefix() {
            return partPrefix;
        }
    }

    private transient Map<Long, Map<Output, Long>> counts = new ConcurrentHashMap<>();
    private transient Map<Long, String> failures = new ConcurrentHashMap<>();

    /** No batch recorded yet, for one streaming context. */
    public BatchOutcomes() {
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        counts = new ConcurrentHashMap<>();
        failures = new ConcurrentHashMap<>();
    }

    /**
     * @param batchTimeMillis batch time
     * @param output which output
     * @param count records written
     */
    public void record(long batchTimeMillis, Output output, long count) {
        counts.computeIfAbsent(batchTimeMillis, t -> new EnumMap<>(Output.class)).merge(output, count, Long::sum);
    }

    /**
     * @param batchTimeMillis batch time
     * @param what the output that failed and why
     */
    public void fail(long batchTimeMillis, String what) {
        failures.merge(batchTimeMillis, what, (a, b) -> a + "; " + b);
    }

    /**
     * @param batchTimeMillis batch time
     * @return true when an output of the batch has failed
     */
    public boolean hasFailed(long batchTimeMillis) {
        return failures.containsKey(batchTimeMillis);
    }

    /**
     * Ends a batch: returns and forgets what it recorded.
     *
     * @param batchTimeMillis batch time
     * @return the counts (0 for outputs that wrote nothing) and the failure, if any
     */
    public Summary finish(long batchTimeMillis) {
        Map<Output, Long> recorded = counts.remove(batchTimeMillis);
        Map<Output, Long> all = new EnumMap<>(Output.class);
        for (Output output : Output.values()) {
            all.put(output, recorded == null ? 0L : recorded.getOrDefault(output, 0L));
        }
        return new Summary(batchTimeMillis, all, failures.remove(batchTimeMillis));
    }

    /**
     * What one batch wrote.
     *
     * @param batchTimeMillis batch time
     * @param counts records per output
     * @param failure null when every output was written, else what failed
     */
    public record Summary(long batchTimeMillis, Map<Output, Long> counts, String failure) {

        /**
         * @param output an output
         * @return records written to it
         */
        public long count(Output output) {
            return counts.get(output);
        }

        /** @return true when every output of the batch was written */
        public boolean succeeded() {
            return failure == null;
        }
    }
}

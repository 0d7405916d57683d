package org.hospital.incidents.stream.app;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the operator reads when the stream cannot start or stops on a failure a restart will not cure: one
 * paragraph saying what happened and the way out (docs/DESIGN.md "Restarts and upgrades": an incompatible
 * checkpoint or deleted Kafka records end in advice, never in a crash loop of stack traces). Each method looks through
 * the error's causes for the one failure it knows and returns null for any other.
 */
final class FailureAdvice {

    private static final Pattern FETCH_OFFSET = Pattern.compile("offset=(\\d+)");
    private static final Pattern PARTITION = Pattern.compile("out of range for partition (\\S+)");

    private FailureAdvice() {
    }

    /**
     * The advice printed when a checkpoint cannot be read (DESIGN.md promise: an incompatible checkpoint fails
     * with a message that says what to do, never a crash loop of stack traces).
     *
     * @param checkpoint the checkpoint directory
     * @param error what Spark threw
     * @return one line
     */
    static String checkpoint(String checkpoint, Throwable error) {
        List<Throwable> chain = causes(error);
        Throwable root = chain.get(chain.size() - 1);
        return "cannot recover from the checkpoint in " + checkpoint + ": it was written by an incompatible build "
                + "or configuration, or is damaged (" + root.getClass().getSimpleName() + "). Start with a new "
                + "--checkpoint directory: Kafka input resumes from the consumer group's committed offsets, "
                + "running totals carry on from the ward-totals under --output, and reports of the batches in "
                + "flight that come again are rejected as duplicates (the archive remembers them). Delete the old "
                + "directory once the new run is healthy.";
    }

    /**
     * The advice printed when a batch's Kafka offset range starts below the partition's log start offset: Kafka
     * deleted those records (retention, or {@code kafka-delete-records}) before the job read them. Executors read
     * with {@code auto.offset.reset=none} (spark-streaming-kafka-0-10 forces it), so the batch fails with
     * {@code OffsetOutOfRangeException} instead of silently skipping records.
     *
     * @param error what the stream failed with
     * @return one paragraph naming the partition and offset when Kafka's message gives them, or null when the
     *     error is something else
     */
    static String deletedOffsets(Throwable error) {
        String kafkaMessage = null;
        for (Throwable t : causes(error)) {
            String message = String.valueOf(t.getMessage());
            if (t.getClass().getName().endsWith(".OffsetOutOfRangeException")
                    || message.contains("OffsetOutOfRangeException")) {
                kafkaMessage = message;
                break;
            }
        }
        if (kafkaMessage == null) {
            return null;
        }
        Matcher partition = PARTITION.matcher(kafkaMessage);
        Matcher offset = FETCH_OFFSET.matcher(kafkaMessage);
        String where = partition.find() && offset.find()
                ? "offset " + offset.group(1) + " of partition " + partition.group(1)
                : "the next offsets of a partition";
        return "Kafka no longer holds " + where + ": the records from there were deleted by Kafka (topic retention, "
                + "or kafka-delete-records) before this job read them, so they cannot be counted. The checkpoint "
                + "(or the committed offset) still points at them, and every restart with it stops here again. To "
                + "go on, start with a new --checkpoint directory and kafka.auto-offset-reset=earliest (the "
                + "default): each partition resumes at the group's committed offset, or where Kafka deleted it at "
                + "the oldest record Kafka still has, and the log says how many records were lost. Running totals "
                + "carry on from the ward-totals under --output. Raise the topic's retention.ms above the longest "
                + "outage you expect.";
    }

    /**
     * @param error what creating the context threw
     * @return the message when {@code kafka.auto-offset-reset=none} met a partition without a committed offset
     *     (a setting the user chose, hence exit 2 like a bad flag), else null
     */
    static String noCommittedOffset(Throwable error) {
        for (Throwable t : causes(error)) {
            if (t instanceof org.apache.kafka.clients.consumer.NoOffsetForPartitionException) {
                return "kafka.auto-offset-reset=none, and " + t.getMessage() + " for this --group-id: set it to "
                        + "earliest (read the whole topic) or latest (only new reports).";
            }
        }
        return null;
    }

    /** @return {@code error} and its causes, outermost first; a cause that is its own cause ends the chain */
    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static boolean isCheckpointReadFailure(Throwable error) {
        for (Throwable t : causes(error)) {
            if (t.getMessage() != null && t.getMessage().contains("Failed to read checkpoint from directory")) {
                return true;
            }
        }
        return false;
    }
}

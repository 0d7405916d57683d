package org.hospital.incidents.stream.sink;

import java.io.Serializable;

/**
 * One item for {@link BatchOutputWriter}: a JSON line of one output, or a count of records that are only
 * counted ({@link BatchOutcomes.Output#INCIDENTS}).
 *
 * <p>Lets one Spark job write every output of a batch: the sink unions the graph's output streams as
 * {@code OutputRecord}s and the writer sorts them into their folders as it goes.
 *
 * @param output which output the item belongs to
 * @param line the JSON line, or null for a pure count
 * @param console what to print on the console for this line (alerts), or null
 * @param count records this item stands for: 1 for a line, any number for a count
 * @param bytes already encoded content written as it is (the compressed archive entries of a partition), or null
 * @param figure what the line tells the Incidents tab ({@link org.hospital.incidents.stream.ui.BatchDigest#add}),
 *     or null
 */
public record OutputRecord(BatchOutcomes.Output output, String line, String console, long count, byte[] bytes,
        Object figure) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param output a written output
     * @param line its JSON line
     * @return a line item
     */
    public static OutputRecord line(BatchOutcomes.Output output, String line) {
        return new OutputRecord(output, line, null, 1, null, null);
    }

    /**
     * @param output a written output
     * @param line its JSON line
     * @param figure what the line tells the Incidents tab
     * @return a line item with its figure
     */
    public static OutputRecord line(BatchOutcomes.Output output, String line, Object figure) {
        return new OutputRecord(output, line, null, 1, null, figure);
    }

    /**
     * @param alert an alert
     * @param line its JSON line
     * @return a line item shown on the console (the alert's message), the alert itself its figure
     */
    public static OutputRecord alert(org.hospital.incidents.model.Alert alert, String line) {
        return new OutputRecord(alert.type() == org.hospital.incidents.model.Alert.Type.CRITICAL
                ? BatchOutcomes.Output.CRITICAL_ALERTS : BatchOutcomes.Output.SURGE_ALERTS, line, alert.message(), 1,
                null, alert);
    }

    /**
     * @param output a counted-only output
     * @param count how many records
     * @return a count item
     */
    public static OutputRecord count(BatchOutcomes.Output output, long count) {
        return new OutputRecord(output, null, null, count, null, null);
    }

    /**
     * @param output an output written as bytes
     * @param bytes encoded content, appended to the task's file as it is
     * @param count records the bytes hold
     * @return a bytes item
     */
    public static OutputRecord bytes(BatchOutcomes.Output output, byte[] bytes, long count) {
        return new OutputRecord(output, null, null, count, bytes, null);
    }
}

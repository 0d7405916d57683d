package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One raw input line and where it came from, before parsing.
 *
 * @param line the text of the line, without its line terminator
 * @param source {@code "socket"} or {@code "kafka:<topic>/<partition>/<offset>"} (DESIGN.md, rejected output)
 */
public record SourcedLine(String line, String source) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Source label of every socket line. */
    public static final String SOCKET = "socket";

    /**
     * @param topic Kafka topic
     * @param partition partition number
     * @param offset offset of the record within its partition
     * @return the source label of a Kafka record
     */
    public static String kafkaSource(String topic, int partition, long offset) {
        return "kafka:" + topic + "/" + partition + "/" + offset;
    }

    /** Redacts the line: it may hold patient data. */
    @Override
    public String toString() {
        return "SourcedLine[source=" + source + ", chars=" + (line == null ? 0 : line.length()) + "]";
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;

/**
 * One raw input line and where it came from, before parsing.
 *
 * @param line the text of the line, without its line terminator; where the bytes were not valid UTF-8, the
 *     invalid sequences are U+FFFD replacement characters
 * @param source {@code "socket"} or {@code "kafka:<topic>/<partition>/<offset>"} (DESIGN.md, rejected output)
 * @param encodingError null when the line's bytes can be read as a record, else why not: the first invalid UTF-8
 *     sequence and its byte offset, or {@code line longer than <N> bytes (<L> bytes)} (then {@code line} holds only
 *     the first N bytes); the parser rejects such a line with this reason
 */
public record SourcedLine(String line, String source, String encodingError) implements Serializable {

    private static final long serialVersionUID = 2L;

    /**
     * A line that arrived as text (valid by construction).
     *
     * @param line the text
     * @param source source label
     */
    public SourcedLine(String line, String source) {
        this(line, source, null);
    }

    /**
     * Default of {@code max-line-bytes} (docs/DESIGN.md "Privacy and hostile input"): 1 MiB, a thousand times a
     * real report, so one sender cannot make a receiver buffer without bound.
     */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    /**
     * @param maxLineBytes the limit
     * @param lineBytes the line's length, bytes
     * @return the reason a longer line is rejected with
     */
    public static String tooLong(int maxLineBytes, long lineBytes) {
        return "line longer than " + maxLineBytes + " bytes (" + lineBytes + " bytes)";
    }

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

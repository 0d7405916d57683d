package org.hospital.incidents.history;

import com.google.gson.stream.JsonWriter;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.hospital.incidents.support.CsvCells;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import org.hospital.incidents.history.ImportMapping.MappingException;
import org.hospital.incidents.history.ImportMapping.RowException;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.parse.IncidentParser;

/**
 * Loads legacy CSV exports row by row (DESIGN.md "History"): each row becomes an incident record through an
 * {@link ImportMapping}, is checked by the job's own {@link IncidentParser} (so an imported record is exactly what
 * the stream would accept), and goes to a {@link Sink} (Kafka or the archive). A row that does not make a valid
 * record is counted and written to the rejected report with its row number and reason, never sent.
 *
 * <p>CSV: RFC 4180 read by Apache Commons CSV's streaming parser (quoted fields, embedded newlines, a header row,
 * blank lines skipped), a UTF-8 byte-order mark skipped, the delimiter given or detected from the header row
 * ({@code ;} when the header has a {@code ;} outside quotes and no {@code ,}). Memory does not grow with the file:
 * one row is held at a time.
 *
 * <p>Row numbers count data rows from 1 (the header is row 0); the line is the file line the row starts on (they
 * differ after a quoted field with a newline).
 */
public final class HistoryImport {

    /** Header of the rejected-rows report ({@code import-rejected.csv}). */
    public static final List<String> REJECTED_HEADER = List.of("file", "row", "line", "reason");

    /** Where accepted records go. */
    public interface Sink extends Closeable {

        /**
         * Starts the record of one row.
         *
         * @param source {@code import:<file name>:<row>}
         * @return a writer the parser renders the archive entry into, or null when the sink sends the record line
         * @throws IOException from the sink
         */
        JsonWriter begin(String source) throws IOException;

        /**
         * The row made a valid record: keep or send it.
         *
         * @param wardId the record's ward (a Kafka key)
         * @param recordLine the record as one JSON line
         * @throws IOException from the sink
         */
        void accepted(String wardId, String recordLine) throws IOException;

        /**
         * All rows are read: make the import durable and visible (flush, commit).
         *
         * @throws IOException when the records could not be made durable; nothing is reported imported then
         */
        void commit() throws IOException;

        /**
         * @return a new stream for the rejected-rows report (called at the first rejected row only)
         * @throws IOException from the file system
         */
        OutputStream rejectedReport() throws IOException;

        /** @return where the rejected-rows report is, for the summary line */
        String rejectedReportName();
    }

    /** Counts of one import. */
    public record Result(long imported, long rejected) {
        @Override
        public String toString() {
            return imported + " imported, " + rejected + " rejected";
        }
    }

    /** A CSV that cannot be read at all (as opposed to a bad row); the importer exits 2 (missing) or 1. */
    public static final class FileException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message names the file and what is wrong */
        public FileException(String message) {
            super(message);
        }
    }

    private final ImportMapping mapping;
    private final IncidentParser parser;
    private final Character delimiter;
    private final Charset encoding;
    private final long importMillis;
    private final int maxLineBytes;

    /**
     * @param mapping the checked mapping
     * @param parser the job's parser (with the job's pseudonymisation key, for the archive's tokens)
     * @param delimiter the CSV delimiter, or null to detect it from the header row
     * @param encoding the files' character set; invalid bytes stop the import (a silent U+FFFD would corrupt records)
     * @param importMillis the import's time, epoch millis (the archive entries' {@code batchTime})
     */
    public HistoryImport(ImportMapping mapping, IncidentParser parser, Character delimiter, Charset encoding,
            long importMillis) {
        this(mapping, parser, delimiter, encoding, importMillis, SourcedLine.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * @param mapping the column mapping
     * @param parser the stream's parser (the same rules for history as for live reports)
     * @param delimiter the field separator, or null to detect it from the header row
     * @param encoding the files' character encoding
     * @param importMillis the import's time, epoch millis
     * @param maxLineBytes {@code max-line-bytes}: a row whose record is longer is rejected, as the stream rejects
     *     such a line (docs/DESIGN.md "Privacy and hostile input")
     */
    public HistoryImport(ImportMapping mapping, IncidentParser parser, Character delimiter, Charset encoding,
            long importMillis, int maxLineBytes) {
        this.mapping = mapping;
        this.parser = parser;
        this.delimiter = delimiter;
        this.encoding = encoding;
        this.importMillis = importMillis;
        this.maxLineBytes = maxLineBytes;
    }

    /** One input file: its name in sources and messages, and its bytes. */
    public record Input(String fileName, InputStream bytes) { }

    /**
     * Checks a file's header row against the mapping without reading its rows, so that an import of several files
     * can refuse a bad one before anything is sent.
     *
     * @param input the file (its stream is closed here)
     * @throws MappingException naming {@code columns.<field>} when a mapped column is missing
     * @throws FileException when the header row cannot be read in the encoding
     * @throws IOException from the stream
     */
    public void checkHeader(Input input) throws MappingException, FileException, IOException {
        try (BufferedReader reader = reader(input)) {
            mapping.checkHeader(csv(reader).getHeaderNames());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FileException(input.fileName() + ": the header row is not valid " + encoding.name() + " ("
                    + e.getMessage() + "; give --encoding)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FileException(input.fileName() + ": cannot read the header row: " + e.getMessage());
        }
    }

    /**
     * Reads one file and sends its rows. Call {@link Sink#commit()} after the last file.
     *
     * @param input the file (its stream is closed here)
     * @param sink where accepted records go
     * @param rejects the rejected-rows report, shared by all files of the import
     * @return the counts of this file
     * @throws MappingException when the header lacks a mapped column (exit 2, nothing of this file sent)
     * @throws FileException when the bytes are not valid in the encoding or the CSV structure is broken
     * @throws IOException from the sink
     */
    public Result importFile(Input input, Sink sink, RejectedReport rejects)
            throws MappingException, FileException, IOException {
        long imported = 0;
        long rejected = 0;
        long rowNumber = 0;
        try (BufferedReader reader = reader(input)) {
            CSVParser csv = csv(reader);
            List<String> header = csv.getHeaderNames();
            mapping.checkHeader(header);
            Map<String, String> row = new HashMap<>();
            Iterator<CSVRecord> records = csv.iterator();
            while (true) {
                long startLine = csv.getCurrentLineNumber() + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (IllegalStateException | java.io.UncheckedIOException e) {
                    throw new FileException(input.fileName() + ": cannot read the CSV after row " + rowNumber
                            + " (line " + startLine + "): " + rootMessage(e)
                            + (rootCause(e) instanceof java.nio.charset.CharacterCodingException
                                    ? " (not valid " + encoding.name() + ": give --encoding)" : ""));
                }
                rowNumber++;
                String reason;
                if (record.size() != header.size()) {
                    reason = "row has " + record.size() + " fields, the header has " + header.size();
                } else {
                    row.clear();
                    for (int i = 0; i < header.size(); i++) {
                        row.put(header.get(i), record.get(i));
                    }
                    reason = send(input.fileName(), rowNumber, row, sink);
                }
                if (reason == null) {
                    imported++;
                } else {
                    rejected++;
                    rejects.add(input.fileName(), rowNumber, startLine, reason);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // Read ahead in blocks: the bad bytes are somewhere after the last row read, not necessarily in the next.
            throw new FileException(input.fileName() + ": cannot read the CSV after row " + rowNumber + ": not valid "
                    + encoding.name() + " (" + e.getMessage() + "; give --encoding)");
        }
        return new Result(imported, rejected);
    }

    /** @return null when the row was sent, else why not */
    private String send(String fileName, long rowNumber, Map<String, String> row, Sink sink) throws IOException {
        String recordLine;
        try {
            recordLine = mapping.toRecord(row);
        } catch (RowException e) {
            return e.getMessage();
        }
        long bytes = recordLine.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > maxLineBytes) {
            return SourcedLine.tooLong(maxLineBytes, bytes);
        }
        String source = "import:" + fileName + ":" + rowNumber;
        JsonWriter archived = sink.begin(source);
        ParseResult result = parser.parse(new SourcedLine(recordLine, source), importMillis, archived);
        if (result.rejection() != null) {
            return result.rejection().reason();
        }
        if (result.incident().reviewedBy() != null) {
            // History is what was reported; a decision goes through bin/incident-review so the stream applies it.
            return "status requalified cannot be imported (send it with bin/incident-review)";
        }
        sink.accepted(result.incident().wardId(), recordLine);
        return null;
    }

    /** The file's text: BOM skipped, invalid bytes in the encoding reported (never replaced). */
    private BufferedReader reader(Input input) throws IOException {
        CharsetDecoder decoder = encoding.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(BOMInputStream.builder().setInputStream(input.bytes()).get(),
                decoder), 1 << 16);
    }

    /** RFC 4180 with a header row, blank lines skipped, the delimiter given or detected. */
    private CSVParser csv(BufferedReader reader) throws IOException {
        char separator = delimiter != null ? delimiter : detectDelimiter(reader);
        return CSVFormat.RFC4180.builder().setDelimiter(separator).setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).build().parse(reader);
    }

    /**
     * @param reader positioned at the start of the file; left there
     * @return {@code ;} when the header row has a {@code ;} outside quotes and no {@code ,}, else {@code ,}
     */
    static char detectDelimiter(BufferedReader reader) throws IOException {
        reader.mark(1 << 15);
        boolean quoted = false;
        boolean comma = false;
        boolean semicolon = false;
        for (int i = 0; i < 1 << 15; i++) {
            int c = reader.read();
            if (c < 0 || (!quoted && (c == '\n' || c == '\r'))) {
                break;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ',') {
                comma = true;
            } else if (!quoted && c == ';') {
                semicolon = true;
            }
        }
        reader.reset();
        return semicolon && !comma ? ';' : ',';
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = rootCause(e);
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /**
     * The rejected-rows report ({@code file,row,line,reason}, RFC 4180 CSV, UTF-8), opened at the first rejected row
     * so an import without rejections leaves no file. It names rows, it does not copy them: the rows stay in the
     * source file, and a copy would spread patient data (references, descriptions) to one more place.
     */
    public static final class RejectedReport implements Closeable {

        /** Opens the report's file when the first row is rejected. */
        @FunctionalInterface
        public interface Opener {
            /**
             * @return a new stream for the report
             * @throws IOException from the file system
             */
            OutputStream open() throws IOException;
        }

        private CSVPrinter printer;
        private final Opener opener;
        private final java.io.PrintStream console;
        private final int consoleLines;
        private long count;

        /**
         * @param opener opens the report's file, e.g. {@link Sink#rejectedReport()}
         * @param console where the first rejections are also printed (one line each), or null
         * @param consoleLines how many rejections to print before printing only the count
         */
        public RejectedReport(Opener opener, java.io.PrintStream console, int consoleLines) {
            this.opener = opener;
            this.console = console;
            this.consoleLines = consoleLines;
        }

        void add(String file, long row, long line, String reason) throws IOException {
            if (printer == null) {
                printer = new CSVPrinter(new OutputStreamWriter(opener.open(), StandardCharsets.UTF_8),
                        CSVFormat.RFC4180.builder().setHeader(REJECTED_HEADER.toArray(String[]::new)).build());
            }
            printer.printRecord(CsvCells.safe(file), row, line, CsvCells.safe(reason));
            count++;
            if (console != null && count <= consoleLines) {
                console.println(file + " row " + row + " (line " + line + "): " + reason);
            }
        }

        /** @return rows rejected so far */
        public long count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            if (printer != null) {
                printer.close();
            }
        }
    }
}

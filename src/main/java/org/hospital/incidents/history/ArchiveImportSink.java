package org.hospital.incidents.history;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.hospital.incidents.pipeline.ArchiveEncoder;
import org.hospital.incidents.archive.CodecArchiveEncoder;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.hospital.incidents.archive.ArchiveLayout;

/**
 * Writes imported records straight into the archive (DESIGN.md "History"):
 * {@code <archive>/date=<UTC date of the import>/import-<millis>/part-NNNNN<codec extension>}, one part per CSV file,
 * entries {@code {"batchTime":<millis>,"source":"import:<file>:<row>","status":"accepted","incident":{…}}} exactly as
 * the stream archives an accepted report (the same parser renders them), plus {@code import-rejected.csv} when rows
 * were rejected.
 *
 * <p>All or nothing: the parts are written under {@code _import-<millis>} (a name Hadoop's input formats and the
 * analytics job skip) and the folder is renamed to {@code import-<millis>} by {@link #commit()}; an import that
 * fails half-way leaves only the hidden folder, which a rerun does not see. Folders are owner-only (0700) like the
 * rest of the archive. Each part compresses into its file as rows come: memory does not grow with the file.
 */
public final class ArchiveImportSink implements HistoryImport.Sink {


    private final FileSystem fs;
    private final CodecArchiveEncoder encoder;
    private final long importMillis;
    private final Path pending;
    private final Path folder;
    private int partNumber = -1;
    private ArchiveEncoder.Part part;
    private long partEntries;
    private long entries;
    private boolean committed;
    private Path partPath;

    /**
     * Creates the hidden import folder.
     *
     * @param archiveRoot the archive root URI (local path or {@code hdfs://…})
     * @param codecName the archive codec (config key {@code archive.codec}), as the stream uses
     * @param importMillis the import's time, epoch millis: the folder's name and every entry's {@code batchTime}
     * @param conf Hadoop configuration
     * @throws IOException when the archive cannot be written
     */
    public ArchiveImportSink(String archiveRoot, String codecName, long importMillis, Configuration conf)
            throws IOException {
        Path day = ArchiveLayout.dayFolder(archiveRoot, importMillis);
        this.fs = BatchOutputWriter.fileSystem(day, conf);
        this.encoder = new CodecArchiveEncoder(codecName);
        this.importMillis = importMillis;
        this.pending = new Path(day, "_" + ArchiveLayout.IMPORT_PREFIX + importMillis);
        this.folder = ArchiveLayout.importFolder(archiveRoot, importMillis);
        BatchOutputWriter.mkdirs(fs, pending);
    }

    /** @return the folder the import becomes visible as after {@link #commit()} */
    public Path folder() {
        return fs.makeQualified(folder);
    }

    /**
     * Starts the next part file (one per CSV file).
     *
     * @throws IOException from the file system
     */
    public void nextFile() throws IOException {
        closePart();
        partNumber++;
        partPath = new Path(pending, String.format("part-%05d%s", partNumber, encoder.extension()));
        part = encoder.streamingPart(importMillis, BatchOutputWriter.createOwnerOnly(fs, partPath));
        partEntries = 0;
    }

    @Override
    public JsonWriter begin(String source) throws IOException {
        if (part == null) {
            nextFile();
        }
        return part.begin(source);
    }

    @Override
    public void accepted(String wardId, String recordLine) throws IOException {
        part.accepted();
        partEntries++;
        entries++;
    }

    @Override
    public void commit() throws IOException {
        closePart();
        if (!fs.rename(pending, folder)) {
            throw new IOException("could not rename " + fs.makeQualified(pending) + " to " + folder.getName());
        }
        committed = true;
    }

    @Override
    public OutputStream rejectedReport() throws IOException {
        return BatchOutputWriter.replaceOwnerOnly(fs, new Path(pending, "import-rejected.csv"));
    }

    @Override
    public String rejectedReportName() {
        return new Path(folder(), "import-rejected.csv").toString();
    }

    /** Ends the current part; a part with no entry is deleted (an empty file is not a valid gzip stream). */
    private void closePart() throws IOException {
        if (part == null) {
            return;
        }
        part.finish();
        if (partEntries == 0) {
            fs.delete(partPath, false);
        }
        part = null;
    }

    /**
     * Closes an uncommitted part. An import that wrote entries and failed leaves its hidden folder for inspection;
     * one refused before its first entry (a bad header) leaves nothing.
     */
    @Override
    public void close() throws IOException {
        closePart();
        if (!committed && entries == 0) {
            fs.delete(pending, true);
        }
    }
}

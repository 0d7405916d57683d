package org.hospital.incidents.history;

import org.hospital.incidents.stream.config.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.history.ImportMapping.MappingException;
import org.hospital.incidents.archive.CodecArchiveEncoder;
import org.hospital.incidents.support.HadoopConfs;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.parse.Pseudonymizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.hospital.incidents.support.ToolCommandLine;
import org.hospital.incidents.stream.config.ConfigFile;

/**
 * {@code bin/incident-import}: loads legacy incident exports (CSV) row by row into the stream's Kafka topic or
 * straight into the archive (DESIGN.md "History"), through a JSON mapping ({@link ImportMapping}; without
 * {@code --mapping}, the project's own {@code incidents.csv}).
 *
 * <p>Every row is checked by the job's own parser: a row that would be rejected by the stream is reported (row number
 * and reason, {@code import-rejected.csv}: in the import's archive folder, or in the working directory with
 * {@code --kafka}) and never sent. Progress bar (me.tongfei:progressbar, by bytes read) when stderr is a terminal.
 * The archive's entries use the pseudonymisation key and codec of the job's configuration ({@code --config} or
 * {@code -Dincident.config}, keys {@code pseudonym-key-file} and {@code archive.codec}), so tokens and files match
 * what the stream writes.
 *
 * <p>Exit status: 0 when every row was imported or reported as rejected (the summary line gives both counts); 1
 * when Kafka or the archive failed (nothing is reported imported into the archive then: the import folder is only
 * made visible at the end); 2 for a bad flag, a missing CSV or mapping file, a mapping error (naming its key) or a
 * CSV whose header lacks a mapped column.
 */
@Command(name = "incident-import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load legacy incident reports from CSV, row by row, into Kafka or the archive.",
            "Ends with 'N imported, M rejected'; rejected rows are listed with their row numbers in "
                    + "import-rejected.csv."})
public final class Import implements Callable<Integer> {

    @Parameters(paramLabel = "CSV", arity = "1..*", description = "CSV files with a header row (RFC 4180).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--mapping", paramLabel = "FILE.json", description = "How columns become record fields "
            + "(DESIGN.md \"History\"); default: the project's own incidents.csv export.")
    Path mapping;

    @Option(names = "--delimiter", paramLabel = "C", description = "Field delimiter, one character or 'tab' "
            + "(default: ';' when the header row has ';' and no ',', else ',').")
    String delimiter;

    @Option(names = "--encoding", paramLabel = "E", description = "Character set of the files (default UTF-8; a "
            + "UTF-8 byte-order mark is skipped).")
    String encoding = "UTF-8";

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Send each record to this Kafka cluster.")
    String kafka;

    @Option(names = "--topic", paramLabel = "T", description = "Kafka topic (default hospital-incidents).")
    String topic = "hospital-incidents";

    @Option(names = "--rate", paramLabel = "N", description = "At most N records per second to Kafka "
            + "(default 1000).")
    double rate = 1000;

    @Option(names = "--archive", paramLabel = "URI", description = "Write into this archive "
            + "(date=<today>/import-<millis>/part-*), local or hdfs://.")
    String archive;

    @Option(names = "--rejected", paramLabel = "FILE.csv", description = "Where the rejected rows are listed "
            + "(default import-rejected.csv in the import's archive folder, or in the working directory with --kafka).")
    Path rejectedFile;

    @Option(names = "--config", paramLabel = "FILE", description = "The job's configuration (for "
            + "pseudonym-key-file, archive.codec, max-line-bytes and the kafka.client.* keys); default "
            + "-Dincident.config, else built-in defaults.")
    String config;

    /** The config file's {@code kafka.client.*} settings, read with the rest of it. */
    private Map<String, String> kafkaClient = Map.of();

    PrintStream out = System.out;
    PrintStream err = System.err;
    boolean terminal = System.console() != null;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(commandLine(new Import()).execute(args));
    }

    static CommandLine commandLine(Import command) {
        return ToolCommandLine.of("incident-import", command);
    }

    @Override
    public Integer call() {
        try {
            return run();
        } catch (Refused e) {
            err.println("incident-import: " + e.getMessage());
            return 2;
        }
    }

    private int run() throws Refused {
        if ((kafka == null) == (archive == null)) {
            throw new Refused("give exactly one of --kafka and --archive");
        }
        if (!(rate > 0)) {
            throw new Refused("--rate: must be a positive number of records per second, got " + rate);
        }
        Character separator = separator();
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new Refused("--encoding: unknown character set '" + encoding + "'");
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new Refused("CSV file not found: " + file.toAbsolutePath());
            }
        }
        ImportMapping importMapping;
        try {
            importMapping = mapping == null ? ImportMapping.builtIn() : ImportMapping.read(mapping);
        } catch (MappingException e) {
            throw new Refused((mapping == null ? "" : mapping + ": ") + e.getMessage());
        }
        String keyFile;
        String codec;
        int maxLineBytes;
        try {
            keyFile = ConfigFile.configuredValue(Setting.PSEUDONYM_KEY_FILE.key(), config);
            codec = ConfigFile.configuredValue(Setting.ARCHIVE_CODEC.key(), config);
            kafkaClient = kafka == null ? Map.of() : Settings.kafkaClient(config);
            maxLineBytes = Settings.maxLineBytes(config);
        } catch (SettingsException e) {
            throw new Refused(e.getMessage());
        }
        if (!CodecArchiveEncoder.CODECS.contains(codec)) {
            throw new Refused(Setting.ARCHIVE_CODEC.key() + ": expected one of " + CodecArchiveEncoder.CODECS
                    + ", got '" + codec + "'");
        }
        long importMillis = System.currentTimeMillis();
        try {
            Pseudonymizer pseudonymizer = pseudonymizer(keyFile);
            HistoryImport history = new HistoryImport(importMapping, new IncidentParser(pseudonymizer), separator,
                    charset, importMillis, maxLineBytes);
            return importAll(history, codec, importMillis);
        } catch (IOException | RuntimeException e) {
            err.println("incident-import: failed: " + e.getMessage());
            return 1;
        }
    }

    private int importAll(HistoryImport history, String codec, long importMillis) throws IOException, Refused {
        long imported = 0;
        long rejected = 0;
        HistoryImport.Sink sink = archive != null
                ? new ArchiveImportSink(archive, codec, importMillis, HadoopConfs.current())
                : new KafkaImportSink(kafka, kafkaClient, topic, rate, Path.of("import-rejected.csv"));
        HistoryImport.RejectedReport.Opener opener = rejectedFile == null ? sink::rejectedReport
                : () -> org.hospital.incidents.support.OwnerOnly.newOutputStream(rejectedFile);
        String rejectedName = rejectedFile == null ? sink.rejectedReportName()
                : rejectedFile.toAbsolutePath().toString();
        // Every file's header first: a file the mapping cannot read is refused before any row is sent.
        for (Path file : files) {
            try {
                history.checkHeader(new HistoryImport.Input(file.getFileName().toString(), Files.newInputStream(file)));
            } catch (MappingException e) {
                sink.close();
                throw new Refused(file + ": " + e.getMessage());
            } catch (HistoryImport.FileException e) {
                sink.close();
                throw new Refused(e.getMessage());
            }
        }
        try (sink; HistoryImport.RejectedReport rejects = new HistoryImport.RejectedReport(opener, err, 20)) {
            for (Path file : files) {
                if (sink instanceof ArchiveImportSink archiveSink) {
                    archiveSink.nextFile();
                }
                HistoryImport.Result result;
                try (InputStream bytes = open(file)) {
                    result = history.importFile(new HistoryImport.Input(file.getFileName().toString(), bytes), sink,
                            rejects);
                } catch (MappingException e) {
                    throw new Refused(file + ": " + e.getMessage());
                } catch (HistoryImport.FileException e) {
                    err.println("incident-import: " + e.getMessage());
                    err.println("incident-import: stopped; " + (archive != null ? "nothing was added to the archive"
                            : "the records sent before it stay in " + topic + " (" + imported + " from earlier files, "
                                    + "and this file's rows before the error)"));
                    return 1;
                }
                imported += result.imported();
                rejected += result.rejected();
                out.println(file.getFileName() + ": " + result);
            }
            rejects.close();
            sink.commit();
        }
        out.println(imported + " imported, " + rejected + " rejected");
        out.println(archive != null ? "into " + ((ArchiveImportSink) sink).folder() : "to Kafka topic " + topic);
        if (rejected > 0) {
            out.println("rejected rows: " + rejectedName);
        }
        return 0;
    }

    /** The file's bytes, through a progress bar (by bytes) when a person watches. */
    private InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!terminal) {
            return in;
        }
        return ProgressBar.wrap(in, new ProgressBarBuilder().setTaskName(file.getFileName().toString())
                .setStyle(ProgressBarStyle.ASCII).setInitialMax(Files.size(file)).setUnit(" MiB", 1 << 20)
                .showSpeed());
    }

    /**
     * The job's key in archive mode (created like the job creates it, so tokens match the stream's). With
     * {@code --kafka} the stream makes the tokens and the parser here only checks rows: a missing key file is not
     * created then, and a key of this run only, in a temporary file, serves the check.
     */
    private Pseudonymizer pseudonymizer(String keyFile) throws IOException {
        Path path = Path.of(keyFile);
        if (archive != null) {
            if (Pseudonymizer.ensureKeyFile(path)) {
                err.println("incident-import: created the pseudonymisation key file " + path.toAbsolutePath()
                        + " (the job will use it; keep it)");
            }
            return new Pseudonymizer(keyFile);
        }
        if (Files.isReadable(path)) {
            return new Pseudonymizer(keyFile);
        }
        Path temporary = Files.createTempDirectory("incident-import").resolve("check.key");
        Pseudonymizer.ensureKeyFile(temporary);
        temporary.toFile().deleteOnExit();
        temporary.getParent().toFile().deleteOnExit();
        return new Pseudonymizer(temporary.toString());
    }

    private Character separator() throws Refused {
        if (delimiter == null) {
            return null;
        }
        if ("tab".equals(delimiter) || "\\t".equals(delimiter)) {
            return '\t';
        }
        if (delimiter.length() != 1 || delimiter.charAt(0) == '"' || delimiter.charAt(0) == '\n'
                || delimiter.charAt(0) == '\r') {
            throw new Refused("--delimiter: expected one character other than a quote or line break, or 'tab', got '"
                    + delimiter + "'");
        }
        return delimiter.charAt(0);
    }

    /** A reason to exit 2 before anything is sent. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}

package org.hospital.incidents.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.hospital.incidents.stream.app.KryoClasses;
import org.hospital.incidents.support.HadoopConfs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.hospital.incidents.support.ToolCommandLine;
import org.hospital.incidents.archive.ArchiveLayout;

/**
 * {@code bin/incident-analytics}: a Spark batch job over the archive that answers the safety committee's four
 * questions (DESIGN.md "Analytics") and draws each ward's XmR charts for the safety committee (DESIGN.md "The
 * committee report", {@link Spc}) with CSV files, PNG charts and {@code report.html}.
 *
 * <p>Reads every part of the archive's {@code date=*&#47;batch-*} (the stream) and {@code date=*&#47;import-*} (the
 * history importer) folders, gzip or bzip2 (Hadoop's codecs, by file extension); an import that did not finish
 * ({@code _import-*}) is not read. The graph is {@link Questions}; the files are written by
 * {@link AnalyticsReportWriter}. Submitted like the stream (SparkSubmit, {@code SPARK_MASTER} honoured by
 * {@code bin/incident-analytics}).
 *
 * <p>Exit status: 0; 1 when the Spark job or a write failed; 2 for a bad flag (naming it) or an archive without
 * parts (naming its path).
 */
@Command(name = "incident-analytics", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Answer four questions about the archived incidents: CSV, PNG charts and report.html.")
public final class Analytics implements Callable<Integer> {

    @Option(names = "--archive", paramLabel = "URI", description = "Archive root (default data/archive).")
    String archive = "data/archive";

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default data/analytics).")
    String out = "data/analytics";

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First occurredAt date kept (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last occurredAt date kept (inclusive).")
    String to;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of dates, hours and weekdays "
            + "(default UTC), e.g. Europe/London.")
    String timeZone = "UTC";

    @Option(names = "--window-seconds", paramLabel = "N", description = "Window length of the SURGE limits in "
            + "surge-limits.csv: the stream's --window-seconds (default 60).")
    int windowSeconds = 60;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(commandLine(new Analytics()).execute(args));
    }

    static CommandLine commandLine(Analytics command) {
        return ToolCommandLine.of("incident-analytics", command);
    }

    @Override
    public Integer call() {
        Questions.Scope scope;
        List<String> inputs;
        try {
            scope = scope();
            inputs = inputs(new Configuration());
        } catch (Refused e) {
            stderr.println("incident-analytics: " + e.getMessage());
            return 2;
        }
        // Kryo with every class registered: Java serialization of the shuffled and cached rows was the largest cost
        // of the job on a million incidents (JFR, docs/PERFORMANCE.md).
        // Without reference tracking: the rows hold no shared or cyclic references, and clearing Kryo's reference
        // map after each record was the next (Kryo.reset in the recording).
        SparkConf conf = KryoClasses.configure(new SparkConf().setAppName("hospital-incident-analytics")
                .setIfMissing("spark.master", "local[2]").setIfMissing("spark.kryo.referenceTracking", "false")
                .setIfMissing("spark.hadoop." + HadoopConfs.UMASK_KEY, HadoopConfs.OWNER_ONLY_UMASK),
                AnalyticsKryo.class);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return run(sc, scope, inputs);
        }
    }

    /**
     * Runs the job on a context the caller owns (a test's, or an application that embeds it).
     *
     * @param sc the Spark context
     * @param args the command line, as {@code bin/incident-analytics} takes it
     * @return exit status: 0, 1 (the job failed) or 2 (a bad flag or archive)
     */
    public static int runOn(JavaSparkContext sc, String... args) {
        Analytics command = new Analytics();
        CommandLine commandLine = commandLine(command);
        try {
            commandLine.parseArgs(args);
            return command.run(sc, command.scope(), command.inputs(sc.hadoopConfiguration()));
        } catch (CommandLine.ParameterException e) {
            command.stderr.println("incident-analytics: " + e.getMessage());
            return 2;
        } catch (Refused e) {
            command.stderr.println("incident-analytics: " + e.getMessage());
            return 2;
        }
    }

    /**
     * Runs the job on a context.
     *
     * @param sc the Spark context
     * @param scope dates and time zone
     * @param inputs the archive's part globs, from {@link #inputs}
     * @return exit status, 0 or 1
     */
    int run(JavaSparkContext sc, Questions.Scope scope, List<String> inputs) {
        try {
            LongAccumulator unreadable = sc.sc().longAccumulator("unreadable archive lines");
            JavaRDD<String> lines = sc.textFile(String.join(",", inputs));
            // Serialized in the cache: a million rows as objects did not fit a 2 GB driver-and-executor JVM.
            JavaRDD<IncidentRow> incidents = Questions.incidents(lines, scope, unreadable)
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            long total = incidents.count();
            AnalyticsReportWriter writer = new AnalyticsReportWriter(out, HadoopConfs.fromSpark(sc.getConf()));
            long count = writer.csvLines("incidents.csv", IncidentRow.HEADER,
                    Questions.sortedCsvLines(incidents, total).toLocalIterator());
            List<List<Object>> q1 = Questions.q1(incidents);
            List<List<Object>> q2 = Questions.q2(incidents);
            List<List<Object>> q3 = Questions.q3(incidents);
            List<List<Object>> q4 = Questions.q4(incidents);
            List<List<List<Object>>> answers = List.of(q1, q2, q3, q4);
            List<List<String>> headers = List.of(Questions.Q1_HEADER, Questions.Q2_HEADER, Questions.Q3_HEADER,
                    Questions.Q4_HEADER);
            for (int q = 0; q < 4; q++) {
                writer.csv(AnalyticsReportWriter.QUESTION_FILES.get(q) + ".csv", headers.get(q),
                        answers.get(q).iterator());
            }
            writer.q1Chart(q1);
            writer.q2Chart(q2);
            writer.q3Chart(q3);
            writer.q4Chart(q4);
            // The history's dates: the scope's, else the incidents' own first and last dates.
            LocalDate first = scope.from();
            LocalDate last = scope.to();
            if ((first == null || last == null) && total > 0) {
                LocalDate min = incidents.map(IncidentRow::date).reduce((a, b) -> a.isBefore(b) ? a : b);
                LocalDate max = incidents.map(IncidentRow::date).reduce((a, b) -> a.isAfter(b) ? a : b);
                first = first == null ? min : first;
                last = last == null ? max : last;
            }
            List<List<Object>> limits = first == null || last == null ? List.of()
                    : Questions.surgeLimits(incidents, first, last, windowSeconds);
            writer.surgeLimits(limits, first == null ? LocalDate.EPOCH : first, last == null ? LocalDate.EPOCH : last,
                    scope.timeZone(), windowSeconds);
            writer.surgeLimitsChart(limits);
            // The committee report's XmR charts come from Q1's ward-month counts: no other pass over the incidents.
            List<SpcSeries> spc = SpcSeries.of(q1);
            int spcCharts = writer.spc(spc);
            writer.html(describe(scope), count, answers, spc);
            if (unreadable.value() > 0) {
                stderr.println("incident-analytics: skipped " + unreadable.value() + " archive lines that are not "
                        + "archive entries (foreign files in the archive?)");
            }
            stdout.println(count + " incidents (one per eventId) from " + archive + "; wrote incidents.csv, "
                    + "4 question files, surge-limits.csv, spc.csv, spc-summary.csv, " + (5 + spcCharts)
                    + " charts and "
                    + new Path(writer.folder(), "report.html"));
            return 0;
        } catch (IOException | RuntimeException e) {
            stderr.println("incident-analytics: failed: " + e);
            return 1;
        }
    }

    private String describe(Questions.Scope scope) {
        return "Archive " + archive + "; occurredAt dates " + (scope.from() == null ? "from the first" : scope.from())
                + " to " + (scope.to() == null ? "the last" : scope.to()) + "; hours and weekdays in "
                + scope.timeZone();
    }

    Questions.Scope scope() throws Refused {
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new Refused("--time-zone: unknown time zone '" + timeZone + "'");
        }
        if (windowSeconds < 1) {
            throw new Refused("--window-seconds: expected a whole number >= 1, got " + windowSeconds);
        }
        LocalDate first = date("--from", from);
        LocalDate last = date("--to", to);
        if (first != null && last != null && first.isAfter(last)) {
            throw new Refused("--from " + first + " is after --to " + last);
        }
        return new Questions.Scope(first, last, timeZone);
    }

    private static LocalDate date(String flag, String text) throws Refused {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Refused(flag + ": expected a date YYYY-MM-DD, got '" + text + "'");
        }
    }

    /**
     * @param conf Hadoop configuration
     * @return the archive's part globs that match files: the stream's and the importer's folders
     * @throws Refused when the archive does not exist or holds no part
     */
    List<String> inputs(Configuration conf) throws Refused {
        Path root = new Path(archive);
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new Refused("--archive: archive not found: " + fs.makeQualified(root));
            }
            List<String> globs = new java.util.ArrayList<>();
            for (Path glob : ArchiveLayout.allParts(fs.makeQualified(root))) {
                FileStatus[] parts = fs.globStatus(glob);
                if (parts != null && parts.length > 0) {
                    globs.add(glob.toString());
                }
            }
            if (globs.isEmpty()) {
                throw new Refused("--archive: no archive parts (" + ArchiveLayout.describeParts() + ") under "
                        + fs.makeQualified(root));
            }
            return globs;
        } catch (IOException e) {
            throw new Refused("--archive: cannot read " + archive + ": " + e.getMessage());
        }
    }

    /** A reason to exit 2. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}

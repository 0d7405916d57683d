package org.hospital.incidents.review;

import org.hospital.incidents.stream.sink.BatchOutcomes;
import org.hospital.incidents.support.ConsoleText;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.support.KafkaClients;
import org.hospital.incidents.support.KafkaProducers;
import org.hospital.incidents.model.EventCategory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import org.hospital.incidents.ops.Report;
import org.hospital.incidents.support.ToolCommandLine;

/**
 * {@code bin/incident-review}: a person re-qualifies the reports the job could not classify (DESIGN.md "Human
 * re-qualification").
 *
 * <p>Pending reports are the lines of {@code review/} under {@code --output} whose eventId has no line in
 * {@code requalifications/} yet. A decision is sent back into the stream as a re-qualification record (the report's
 * eventId, wardId, occurredAt and harmLevel, {@code status: requalified}, the category, {@code reviewedBy},
 * {@code reviewedAt} = now), to Kafka ({@code --kafka}, keyed by ward like the feeder, idempotent producer) or
 * printed as one JSON line ({@code --print}, e.g. for {@code nc}). The job applies it once.
 *
 * <p>Sub-commands: {@code list}; {@code requalify EVENT_ID CATEGORY} or {@code requalify --decisions FILE.csv}
 * (header {@code eventId,category}, read with Apache Commons CSV); none on a terminal: one pending report at a time,
 * a category by number, {@code s} to skip, {@code q} to quit.
 *
 * <p>Exit status: 0; 1 when Kafka did not take a record, or when a decisions file had refusals; 2 for a bad flag, an
 * unknown category, an eventId that is not pending, a missing output folder or decisions file.
 */
@Command(name = "incident-review", mixinStandardHelpOptions = true, subcommands = {Review.ListPending.class,
    Review.Requalify.class}, description = {"Re-qualify the reports the job could not classify.",
        "With no sub-command on a terminal: one pending report at a time, pick a category by number, s to skip, "
                + "q to quit (needs --kafka or --print)."})
public final class Review implements Callable<Integer> {

    /** Categories a person may choose, in menu order: the ten AHRQ-based codes, never unclassified. */
    static final List<EventCategory> CHOICES = Arrays.stream(EventCategory.values())
            .filter(c -> c != EventCategory.UNCLASSIFIED).toList();

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    // Inherited: `list --output X` and `--output X list` both work, like the README shows them (kubectl-style).
    @Option(names = "--output", paramLabel = "URI", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Output root of the job (default data/out).")
    String output = "data/out";

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Send decisions to this Kafka.")
    String kafka;

    @Option(names = "--topic", paramLabel = "T", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Topic (default hospital-incidents).")
    String topic = "hospital-incidents";

    @Option(names = "--config", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The job's configuration, for its kafka.client.* keys (Kafka security); default "
                    + "-Dincident.config, else none.")
    String config;

    @Option(names = "--print", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Print each decision as one JSON line instead of sending it.")
    boolean print;

    @Option(names = "--reviewer", paramLabel = "NAME", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Who decides (reviewedBy).")
    String reviewer;

    Clock clock = Clock.systemUTC();

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return ToolCommandLine.of("incident-review", new Review());
    }

    @Override
    public Integer call() throws Exception {
        java.io.Console console = System.console();
        if (console == null) {
            System.err.println("incident-review: no terminal: use a sub-command (list, requalify); see --help");
            return 2;
        }
        try {
            return interactive(console.reader(), console.writer());
        } catch (ExecutionException | TimeoutException e) {
            console.writer().flush();
            System.err.println(notSent(e));
            return 1;
        }
    }

    /** @return the one line for a decision Kafka did not take */
    String notSent(Exception e) {
        return "incident-review: --kafka " + kafka + ": not sent: " + KafkaClients.describe(e);
    }

    /** A pending report: its review line. */
    record Pending(JsonObject report) {
        String eventId() {
            return report.get("eventId").getAsString();
        }

        String text(String key) {
            JsonElement value = report.get(key);
            return value == null || value.isJsonNull() ? "" : value.getAsString();
        }

        /** The value as a terminal shows it: control characters escaped (a report may hold anything). */
        String shown(String key) {
            return ConsoleText.escape(text(key));
        }
    }

    /**
     * @return the pending reports, oldest {@code occurredAt} first, then by eventId
     * @throws Refused (status 2) when the output folder does not exist
     * @throws IOException on a read error
     */
    List<Pending> pending() throws IOException, Refused {
        Path root = new Path(output);
        FileSystem fs = root.getFileSystem(new Configuration());
        if (!fs.exists(root)) {
            throw new Refused("--output: output folder not found: " + fs.makeQualified(root));
        }
        Set<String> done = new HashSet<>();
        for (String line : Report.readLines(fs, new Path(root, BatchOutcomes.Output.REQUALIFICATIONS.folder()))) {
            done.add(JsonParser.parseString(line).getAsJsonObject().get("eventId").getAsString());
        }
        Map<String, Pending> pending = new LinkedHashMap<>();
        for (String line : Report.readLines(fs, new Path(root, BatchOutcomes.Output.REVIEW.folder()))) {
            Pending report = new Pending(JsonParser.parseString(line).getAsJsonObject());
            if (!done.contains(report.eventId())) {
                pending.putIfAbsent(report.eventId(), report);
            }
        }
        List<Pending> sorted = new ArrayList<>(pending.values());
        sorted.sort(Comparator.comparing((Pending p) -> Instant.parse(p.text("occurredAt")))
                .thenComparing(Pending::eventId));
        return sorted;
    }

    /** A refusal with the exit status 2 and a one-line message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param code a category code as typed
     * @return the category
     * @throws Refused when it is not one of the ten
     */
    static EventCategory category(String code) throws Refused {
        for (EventCategory choice : CHOICES) {
            if (choice.code().equals(code)) {
                return choice;
            }
        }
        throw new Refused("unknown category '" + code + "' (expected one of "
                + String.join(", ", CHOICES.stream().map(EventCategory::code).toList()) + ")");
    }

    /**
     * @param report the pending report
     * @param category the decision
     * @param reviewedBy who decided
     * @param reviewedAt when
     * @return the re-qualification record, one JSON line
     */
    static String record(Pending report, EventCategory category, String reviewedBy, Instant reviewedAt) {
        JsonObject json = new JsonObject();
        json.addProperty("eventId", report.eventId());
        json.addProperty("wardId", report.text("wardId"));
        json.addProperty("occurredAt", report.text("occurredAt"));
        json.addProperty("harmLevel", report.text("harmLevel"));
        json.addProperty("status", "requalified");
        json.addProperty("category", category.code());
        json.addProperty("reviewedBy", reviewedBy);
        json.addProperty("reviewedAt", reviewedAt.toString());
        return GSON.toJson(json);
    }

    /** Where decisions go: Kafka or standard output. */
    interface Sink extends AutoCloseable {
        void send(String wardId, String record) throws Exception;

        @Override
        void close();
    }

    Sink sink(PrintWriter out) throws Refused {
        if (print == (kafka != null)) {
            throw new Refused("give one of --kafka BOOTSTRAP and --print");
        }
        if (print) {
            return new Sink() {
                @Override
                public void send(String wardId, String record) {
                    out.println(record);
                    out.flush();
                }

                @Override
                public void close() {
                }
            };
        }
        Map<String, String> clientSettings;
        try {
            clientSettings = Settings.kafkaClient(config);
        } catch (SettingsException e) {
            throw new Refused(e.getMessage());
        }
        Properties props = KafkaProducers.idempotentStrings(kafka, clientSettings);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        return new Sink() {
            @Override
            public void send(String wardId, String record)
                    throws InterruptedException, ExecutionException, TimeoutException {
                // Waits for the broker's acknowledgement: "sent" on the screen means Kafka has it.
                producer.send(new ProducerRecord<>(topic, wardId, record)).get(60, TimeUnit.SECONDS);
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(10));
            }
        };
    }

    private String reviewer() throws Refused {
        if (reviewer == null || reviewer.isBlank()) {
            throw new Refused("--reviewer NAME is required (it becomes reviewedBy)");
        }
        return reviewer.trim();
    }

    /** {@code list}: the pending reports, then {@code N pending}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the pending reports (in review/, not in requalifications/), oldest first.")
    static final class ListPending implements Callable<Integer> {
        @ParentCommand
        Review review;

        @Override
        public Integer call() throws IOException {
            try {
                List<Pending> pending = review.pending();
                for (Pending report : pending) {
                    System.out.println(summary(report));
                }
                System.out.println(pending.size() + " pending");
                return 0;
            } catch (Refused e) {
                System.err.println("incident-review: " + e.getMessage());
                return 2;
            }
        }
    }

    /**
     * @param report a pending report
     * @return one line: eventId, ward, occurredAt, harm level, reported category, description cut to 60 chars
     */
    static String summary(Pending report) {
        String description = report.shown("description").replaceAll("\\s+", " ");
        if (description.length() > 60) {
            description = description.substring(0, 59) + "…";
        }
        String reported = report.shown("reportedCategory");
        return String.format("%-22s %-8s %-24s %-8s %-18s %s", ConsoleText.escape(report.eventId()),
                report.shown("wardId"), report.shown("occurredAt"), report.shown("harmLevel"),
                reported.isEmpty() ? "(none)" : reported,
                description);
    }

    /** {@code requalify}: one decision, or a CSV file of them. */
    @Command(name = "requalify", mixinStandardHelpOptions = true,
            description = "Send re-qualification records: EVENT_ID CATEGORY, or --decisions FILE.csv "
                    + "(header eventId,category).")
    static final class Requalify implements Callable<Integer> {
        @ParentCommand
        Review review;

        @Parameters(arity = "0..2", paramLabel = "EVENT_ID CATEGORY", description = "One decision.")
        List<String> decision = new ArrayList<>();

        @Option(names = "--decisions", paramLabel = "FILE.csv", description = "Many decisions (eventId,category).")
        java.nio.file.Path decisions;

        @Override
        public Integer call() throws Exception {
            // The parent's options are inherited (picocli ScopeType.INHERIT): given before or after the sub-command,
            // their values land in the parent's fields.
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            try {
                if ((decisions == null) == (decision.size() != 2)) {
                    throw new Refused("give EVENT_ID CATEGORY or --decisions FILE.csv");
                }
                String by = review.reviewer();
                Map<String, Pending> pending = new LinkedHashMap<>();
                for (Pending report : review.pending()) {
                    pending.put(report.eventId(), report);
                }
                if (decisions == null) {
                    EventCategory category = category(decision.get(1));
                    Pending report = pending.get(decision.get(0));
                    if (report == null) {
                        throw new Refused("eventId " + decision.get(0) + " is not pending (not in review/ under "
                                + review.output + ", or already requalified)");
                    }
                    try (Sink sink = review.sink(out)) {
                        sink.send(report.text("wardId"), record(report, category, by, review.clock.instant()));
                    }
                    if (!review.print) {
                        out.println("sent " + ConsoleText.escape(report.eventId()) + " -> " + category.code());
                    }
                    return 0;
                }
                return decide(pending, by, out);
            } catch (Refused e) {
                System.err.println("incident-review: " + e.getMessage());
                return 2;
            } catch (ExecutionException | TimeoutException e) {
                System.err.println(review.notSent(e));
                return 1;
            }
        }

        private int decide(Map<String, Pending> pending, String by, PrintWriter out) throws Exception {
            if (!Files.isRegularFile(decisions)) {
                throw new Refused("--decisions: file not found: " + decisions.toAbsolutePath());
            }
            int sent = 0;
            List<String> refusals = new ArrayList<>();
            Set<String> decided = new HashSet<>();
            CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                    .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();
            try (Reader reader = Files.newBufferedReader(decisions, StandardCharsets.UTF_8);
                    CSVParser csv = format.parse(reader);
                    Sink sink = review.sink(out)) {
                if (!csv.getHeaderNames().containsAll(List.of("eventId", "category"))) {
                    throw new Refused("--decisions: " + decisions + ": the header must name eventId and category, "
                            + "found " + csv.getHeaderNames());
                }
                for (CSVRecord row : csv) {
                    String where = "line " + row.getParser().getCurrentLineNumber();
                    if (!row.isConsistent()) {
                        refusals.add(where + ": expected " + csv.getHeaderNames().size() + " columns, found "
                                + row.size());
                        continue;
                    }
                    String eventId = row.get("eventId");
                    Pending report = pending.get(eventId);
                    try {
                        EventCategory category = category(row.get("category"));
                        if (report == null || !decided.add(eventId)) {
                            throw new Refused("eventId " + eventId + " is not pending");
                        }
                        sink.send(report.text("wardId"), record(report, category, by, review.clock.instant()));
                        sent++;
                    } catch (Refused e) {
                        refusals.add(where + ": " + e.getMessage());
                    }
                }
            }
            PrintWriter summary = review.print ? new PrintWriter(System.err, true, StandardCharsets.UTF_8) : out;
            summary.println(sent + " sent, " + refusals.size() + " refused");
            refusals.forEach(r -> summary.println("  refused " + r));
            return refusals.isEmpty() ? 0 : 1;
        }
    }

    /**
     * The interactive loop: each pending report in full, then a prompt.
     *
     * @param in the terminal's input
     * @param out the terminal's output
     * @return 0, or 2 when there is nothing to send decisions to
     * @throws Exception on a read error or when Kafka does not take a record
     */
    int interactive(Reader in, PrintWriter out) throws Exception {
        List<Pending> pending;
        String by;
        Sink sink;
        try {
            pending = pending();
            by = reviewer();
            sink = sink(out);
        } catch (Refused e) {
            System.err.println("incident-review: " + e.getMessage());
            return 2;
        }
        BufferedReader lines = new BufferedReader(in);
        int sent = 0;
        int skipped = 0;
        try (sink) {
            out.println(pending.size() + " pending. For each: a category number, s to skip, q to quit.");
            for (int i = 0; i < pending.size(); i++) {
                Pending report = pending.get(i);
                out.println();
                out.printf("[%d/%d] %s  ward %s  occurred %s  harm %s  %s%n", i + 1, pending.size(),
                        ConsoleText.escape(report.eventId()), report.shown("wardId"), report.shown("occurredAt"),
                        report.shown("harmLevel"), report.shown("reportType"));
                out.println("  reported category: " + (report.shown("reportedCategory").isEmpty() ? "(none)"
                        : report.shown("reportedCategory")));
                out.println("  description: " + report.shown("description"));
                for (int c = 0; c < CHOICES.size(); c++) {
                    out.printf("  %2d %s%n", c + 1, CHOICES.get(c).code());
                }
                while (true) {
                    out.print("category [1-" + CHOICES.size() + "], s skip, q quit: ");
                    out.flush();
                    String answer = lines.readLine();
                    if (answer == null || answer.trim().equals("q")) {
                        out.println(sent + " sent, " + skipped + " skipped");
                        return 0;
                    }
                    answer = answer.trim();
                    if (answer.equals("s")) {
                        skipped++;
                        break;
                    }
                    int choice;
                    try {
                        choice = Integer.parseInt(answer);
                    } catch (NumberFormatException e) {
                        choice = -1;
                    }
                    if (choice < 1 || choice > CHOICES.size()) {
                        out.println("  not a choice: " + answer);
                        continue;
                    }
                    EventCategory category = CHOICES.get(choice - 1);
                    sink.send(report.text("wardId"), record(report, category, by, clock.instant()));
                    sent++;
                    out.println("  sent " + ConsoleText.escape(report.eventId()) + " -> " + category.code());
                    break;
                }
            }
        }
        out.println(sent + " sent, " + skipped + " skipped");
        return 0;
    }
}

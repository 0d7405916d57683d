package org.hospital.incidents.ops;

import org.hospital.incidents.stream.sink.BatchOutcomes;
import org.hospital.incidents.support.ConsoleText;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.hospital.incidents.devtools.CorpusGenerator;

/**
 * Prints the latest view of an output root: each ward's running total (its line with the largest
 * {@code batchTime}, per DESIGN.md), the alerts, and the rejected lines by reason.
 *
 * <p>Reads any Hadoop file system URI ({@code data/out}, {@code hdfs://127.0.0.1:8020/out}). With
 * {@code --expect FILE} (an answer written by {@link CorpusGenerator} {@code --expected}) it also checks the
 * outputs against that answer, e.g. after a recovery drill: exit 1 and one line per difference when they differ.
 * Exit status 0, 1 (differences), or 2 when the output root or the answer file does not exist.
 */
@Command(name = "incident-report", mixinStandardHelpOptions = true,
        description = "Show the latest ward totals, alerts and rejected lines of an output folder.")
public final class Report implements Callable<Integer> {

    @Option(names = "--output", paramLabel = "URI", description = "Output root (default data/out).")
    String output = "data/out";

    @Option(names = "--alerts", paramLabel = "N", description = "Alerts to list, newest first (default 20).")
    int alertsShown = 20;

    @Option(names = "--expect", paramLabel = "FILE", description = "Check the outputs against this answer "
            + "(CorpusGenerator --expected): per-ward totals, harm-level and category counts, one CRITICAL alert "
            + "per severe or death event, each amended report once, the number of rejected lines (malformed, repeats, "
            + "originals read after their amendment). Exit 1 when they differ.")
    java.nio.file.Path expect;

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Report()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path root = new Path(output);
        FileSystem fs = root.getFileSystem(new Configuration());
        if (!fs.exists(root)) {
            System.err.println("incident-report: output folder not found: " + fs.makeQualified(root));
            return 2;
        }
        print(fs, root, alertsShown, System.out);
        if (expect == null) {
            return 0;
        }
        if (!java.nio.file.Files.isRegularFile(expect)) {
            System.err.println("incident-report: --expect: file not found: " + expect.toAbsolutePath());
            return 2;
        }
        JsonObject answer = JsonParser.parseString(java.nio.file.Files.readString(expect, StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<String> differences = differences(fs, root, answer);
        System.out.println();
        if (differences.isEmpty()) {
            System.out.println("Expected answer " + expect + ": all match (totals, harm levels, categories, "
                    + answer.getAsJsonArray("critical").size() + " CRITICAL alerts, "
                    + amended(answer).size() + " amended reports, "
                    + answer.get("malformed").getAsInt() + " malformed lines and " + repeats(answer)
                    + " repeats rejected)");
            return 0;
        }
        System.out.println("Expected answer " + expect + ": " + differences.size() + " difference(s)");
        differences.forEach(d -> System.out.println("  " + d));
        return 1;
    }

    /**
     * Compares an output root with an answer.
     *
     * @param fs file system of the output root
     * @param root output root
     * @param answer {@code totals} {ward: n}, {@code byHarmLevel} and {@code byCategory} {ward: {code: n}},
     *     {@code critical} [eventId], {@code malformed} n (the {@link CorpusGenerator.Corpus#expected()} shape)
     * @return one line per difference; empty when everything matches
     * @throws IOException when a file cannot be read
     */
    static List<String> differences(FileSystem fs, Path root, JsonObject answer) throws IOException {
        List<String> differences = new ArrayList<>();
        Map<String, JsonObject> latest = latestWardTotals(fs, root);
        JsonObject totals = answer.getAsJsonObject("totals");
        java.util.Set<String> wards = new java.util.TreeSet<>(totals.keySet());
        wards.addAll(latest.keySet());
        for (String ward : wards) {
            JsonObject seen = latest.get(ward);
            long expected = totals.has(ward) ? totals.get(ward).getAsLong() : 0;
            long actual = seen == null ? 0 : seen.get("total").getAsLong();
            if (expected != actual) {
                differences.add("ward " + ward + ": total " + actual + ", expected " + expected);
            }
            for (String counts : List.of("byHarmLevel", "byCategory")) {
                JsonObject want = answer.getAsJsonObject(counts).getAsJsonObject(ward);
                JsonObject got = seen == null ? null : seen.getAsJsonObject(counts);
                if (!java.util.Objects.equals(want == null ? new JsonObject() : want,
                        got == null ? new JsonObject() : got)) {
                    differences.add("ward " + ward + ": " + counts + " " + got + ", expected " + want);
                }
            }
        }
        Map<String, Integer> critical = new TreeMap<>();
        for (JsonObject alert : read(fs, new Path(root, BatchOutcomes.Output.CRITICAL_ALERTS.folder()))) {
            if (alert.get("type").getAsString().equals("CRITICAL")) {
                critical.merge(alert.get("eventId").getAsString(), 1, Integer::sum);
            }
        }
        java.util.Set<String> expectedCritical = new java.util.TreeSet<>();
        answer.getAsJsonArray("critical").forEach(id -> expectedCritical.add(id.getAsString()));
        for (String id : expectedCritical) {
            if (!critical.containsKey(id)) {
                differences.add("CRITICAL alert missing for event " + id);
            }
        }
        critical.forEach((id, n) -> {
            if (!expectedCritical.contains(id)) {
                differences.add("CRITICAL alert for event " + id + " not expected");
            } else if (n > 1) {
                differences.add("CRITICAL alert for event " + id + " written " + n + " times");
            }
        });
        java.util.Set<String> amended = amended(answer);
        Map<String, Integer> amendments = new TreeMap<>();
        for (JsonObject amendment : read(fs, new Path(root, BatchOutcomes.Output.AMENDMENTS.folder()))) {
            amendments.merge(amendment.get("eventId").getAsString(), 1, Integer::sum);
        }
        amendments.forEach((id, n) -> {
            if (!amended.contains(id)) {
                differences.add("amendment of event " + id + " not expected");
            } else if (n > 1) {
                differences.add("amendment of event " + id + " written " + n + " times");
            }
        });
        List<String> rejectedLines = readLines(fs, new Path(root, BatchOutcomes.Output.REJECTED.folder()));
        int overtaken = overtakenOriginals(rejectedLines, amended);
        int expectedRejected = answer.get("malformed").getAsInt() + repeats(answer) + overtaken;
        if (rejectedLines.size() != expectedRejected) {
            differences.add("rejected lines " + rejectedLines.size() + ", expected " + expectedRejected + " ("
                    + answer.get("malformed").getAsInt() + " malformed, " + repeats(answer) + " repeats, "
                    + overtaken + " originals read after their amendment)");
        }
        // Each amended report is either an amendment or, read after it, its original's duplicate: never both.
        long applied = amendments.keySet().stream().filter(amended::contains).count();
        if (applied + overtaken != amended.size()) {
            differences.add("amended reports: " + applied + " applied and " + overtaken + " originals read after "
                    + "them, expected " + amended.size() + " in all");
        }
        return differences;
    }

    /** @return the eventIds the answer sent amendments for (none in an answer of a build before the ledger) */
    private static java.util.Set<String> amended(JsonObject answer) {
        java.util.Set<String> amended = new java.util.TreeSet<>();
        if (answer.has("amended")) {
            answer.getAsJsonArray("amended").forEach(id -> amended.add(id.getAsString()));
        }
        return amended;
    }

    /** @return the repeats the answer says were sent (0 in an answer of a build before the ledger) */
    private static int repeats(JsonObject answer) {
        return answer.has("repeats") ? answer.get("repeats").getAsInt() : 0;
    }

    /**
     * The originals of amended reports that were read after their amendment: the ledger counted the amendment
     * first, so the original, which has no later {@code updatedAt}, was the duplicate (docs/DESIGN.md "The incident
     * ledger"). Which ones depends on the order the Kafka partitions were read, so an answer cannot say in advance.
     * Takes and returns no Gson type: Gson is relocated in the application jar (see {@link #readLines}).
     *
     * @param rejected the {@code rejected} records, as written (JSON lines with {@code reason} and {@code line})
     * @param amended the eventIds the answer sent amendments for
     * @return how many rejected lines are such originals
     */
    public static int overtakenOriginals(List<String> rejected, java.util.Set<String> amended) {
        int overtaken = 0;
        for (String json : rejected) {
            JsonObject record = JsonParser.parseString(json).getAsJsonObject();
            if (!record.get("reason").getAsString().startsWith("duplicate eventId")) {
                continue;
            }
            String line = record.get("line").getAsString();
            if (!line.contains("updatedAt") && amended.stream().anyMatch(id -> line.contains("\"" + id + "\""))) {
                overtaken++;
            }
        }
        return overtaken;
    }

    private static Map<String, JsonObject> latestWardTotals(FileSystem fs, Path root) throws IOException {
        Map<String, JsonObject> latest = new TreeMap<>();
        for (JsonObject total : read(fs, new Path(root, BatchOutcomes.Output.WARD_TOTALS.folder()))) {
            String ward = total.get("wardId").getAsString();
            JsonObject seen = latest.get(ward);
            if (seen == null || seen.get("batchTime").getAsLong() < total.get("batchTime").getAsLong()) {
                latest.put(ward, total);
            }
        }
        return latest;
    }

    /**
     * Prints the report.
     *
     * @param fs file system of the output root
     * @param root output root
     * @param maxAlerts alerts to list, newest first
     * @param out where to print
     * @throws IOException when a file cannot be read
     */
    public static void print(FileSystem fs, Path root, int maxAlerts, PrintStream out) throws IOException {
        Map<String, JsonObject> latest = latestWardTotals(fs, root);
        out.println("Ward totals (latest per ward)");
        out.printf("  %-12s %7s  %-40s %12s %11s  %s%n", "ward", "total", "by harm level", "unclassified",
                "requalified", "last occurred at");
        long all = 0;
        for (JsonObject total : latest.values()) {
            all += total.get("total").getAsLong();
            JsonObject categories = total.getAsJsonObject("byCategory");
            long unclassified = categories.has("unclassified") ? categories.get("unclassified").getAsLong() : 0;
            long requalified = total.has("requalified") ? total.get("requalified").getAsLong() : 0;
            out.printf("  %-12s %7d  %-40s %12d %11d  %s%n", ConsoleText.escape(total.get("wardId").getAsString()),
                    total.get("total").getAsLong(), compact(total.getAsJsonObject("byHarmLevel")), unclassified,
                    requalified, total.get("lastOccurredAt").getAsString());
            out.printf("  %-12s %7s  %s%n", "", "", compact(categories));
        }
        out.printf("  %-12s %7d%n", "all wards", all);

        List<JsonObject> alerts = read(fs, new Path(root, BatchOutcomes.Output.CRITICAL_ALERTS.folder()));
        alerts.sort((a, b) -> Long.compare(b.get("batchTime").getAsLong(), a.get("batchTime").getAsLong()));
        long critical = alerts.stream().filter(a -> a.get("type").getAsString().equals("CRITICAL")).count();
        out.println();
        out.println("Alerts: " + critical + " CRITICAL, " + (alerts.size() - critical) + " SURGE (newest first)");
        alerts.stream().limit(maxAlerts).forEach(a -> out.println("  "
                + ConsoleText.escape(a.get("message").getAsString())));

        Map<String, Integer> reasons = new TreeMap<>();
        List<JsonObject> rejected = read(fs, new Path(root, BatchOutcomes.Output.REJECTED.folder()));
        for (JsonObject r : rejected) {
            String reason = r.get("reason").getAsString();
            reasons.merge(reason.length() > 70 ? reason.substring(0, 70) + "..." : reason, 1, Integer::sum);
        }
        out.println();
        out.println("Rejected lines: " + rejected.size());
        reasons.forEach((reason, count) -> out.printf("  %5d  %s%n", count, ConsoleText.escape(reason)));
    }

    private static String compact(JsonObject counts) {
        StringBuilder text = new StringBuilder();
        counts.entrySet().forEach(e -> text.append(text.length() == 0 ? "" : " ").append(e.getKey()).append('=')
                .append(e.getValue().getAsLong()));
        return text.toString();
    }

    /** Reads every {@code batch-*}/{@code part-*} line under an output folder; an absent folder is empty. */
    static List<JsonObject> read(FileSystem fs, Path folder) throws IOException {
        List<JsonObject> records = new ArrayList<>();
        for (String line : readLines(fs, folder)) {
            records.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return records;
    }

    /**
     * Reads the raw lines of one output folder. Returns strings, not JSON objects: in the application jar Gson is
     * relocated, so its types must not cross into code built against the plain Gson (tests, other tools).
     *
     * @param fs its file system
     * @param folder e.g. {@code <output>/ward-totals}; an absent folder reads as empty
     * @return every non-blank line of its {@code batch-*}/{@code part-*} files (and {@code prune-*}, the audit's)
     * @throws IOException on a read error
     */
    public static List<String> readLines(FileSystem fs, Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        if (!fs.exists(folder)) {
            return lines;
        }
        // batch-<millis>: written by a batch; prune-<millis>: the archive retention's audit lines.
        for (FileStatus batch : fs.listStatus(folder, p -> p.getName().startsWith("batch-")
                || p.getName().startsWith("prune-"))) {
            for (FileStatus part : fs.listStatus(batch.getPath(), p -> p.getName().startsWith("part-"))) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(fs.open(part.getPath()), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isBlank()) {
                            lines.add(line);
                        }
                    }
                }
            }
        }
        return lines;
    }
}

package org.hospital.incidents.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.hospital.incidents.analytics.Analytics;
import org.hospital.incidents.devtools.Feeder;
import org.hospital.incidents.history.Import;
import org.hospital.incidents.ops.Report;
import org.hospital.incidents.review.Review;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every tool takes its options before or after its sub-command and its files (docs/DESIGN.md "Layout": {@code
 * bin/incident-review list --output X} = {@code bin/incident-review --output X list}): each pair of command lines
 * below, one as the README writes it and one with the options moved, parses to the same option values and the same
 * sub-command.
 */
class ToolOptionOrderTest {

    /** The tool's option values (every option of the command and of the sub-command parsed), by longest name. */
    private static Map<String, String> parsed(Supplier<Object> tool, List<String> args) {
        CommandLine commandLine = new CommandLine(tool.get());
        ParseResult result = commandLine.parseArgs(args.toArray(String[]::new));
        Map<String, String> values = new TreeMap<>();
        for (ParseResult level = result; level != null; level = level.subcommand()) {
            for (OptionSpec option : level.commandSpec().options()) {
                values.put(option.longestName(), String.valueOf((Object) option.getValue()));
            }
            values.put("(command)", level.commandSpec().name());
            values.put("(parameters)", String.valueOf(level.matchedPositionals().stream().distinct()
                    .map(p -> p.getValue()).toList()));
        }
        return values;
    }

    private static void sameEitherWay(Supplier<Object> tool, List<String> asWritten, List<String> moved) {
        assertEquals(parsed(tool, asWritten), parsed(tool, moved), asWritten + " vs " + moved);
    }

    @Test
    void incidentReviewOptionsBeforeOrAfterTheSubCommand() {
        sameEitherWay(Review::new, List.of("--output", "data/out", "--config", "c.properties", "list"),
                List.of("list", "--output", "data/out", "--config", "c.properties"));
        sameEitherWay(Review::new, List.of("--output", "data/out", "requalify", "EVT-1", "fall", "--reviewer",
                "dr.lee", "--kafka", "127.0.0.1:9092", "--topic", "t"),
                List.of("requalify", "EVT-1", "fall", "--output", "data/out", "--reviewer", "dr.lee", "--kafka",
                        "127.0.0.1:9092", "--topic", "t"));
        sameEitherWay(Review::new, List.of("--output", "data/out", "--reviewer", "dr.lee", "--print", "requalify",
                "--decisions", "d.csv"),
                List.of("requalify", "--decisions", "d.csv", "--print", "--reviewer", "dr.lee", "--output",
                        "data/out"));
    }

    @Test
    void theOtherToolsOptionsBeforeOrAfterTheirFiles() {
        sameEitherWay(Import::new, List.of("--mapping", "config/import-mapping-nrls.json", "--archive",
                "data/archive", "--config", "c.properties", "history.csv"),
                List.of("history.csv", "--config", "c.properties", "--archive", "data/archive", "--mapping",
                        "config/import-mapping-nrls.json"));
        sameEitherWay(Feeder::new, List.of("--kafka", "127.0.0.1:9092", "--speedup", "8", "--config",
                "c.properties", "a.jsonl", "b.jsonl"),
                List.of("a.jsonl", "--speedup", "8", "b.jsonl", "--config", "c.properties", "--kafka",
                        "127.0.0.1:9092"));
        sameEitherWay(Report::new, List.of("--output", "data/out", "--alerts", "5"),
                List.of("--alerts", "5", "--output", "data/out"));
        sameEitherWay(Analytics::new, List.of("--archive", "data/archive", "--out", "data/analytics",
                "--window-seconds", "60"),
                List.of("--window-seconds", "60", "--out", "data/analytics", "--archive", "data/archive"));
    }
}

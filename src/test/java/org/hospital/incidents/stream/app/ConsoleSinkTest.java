package org.hospital.incidents.stream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.hospital.incidents.stream.config.CommandLineOptions;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console is given to the job, not reached through {@code System.out}: a run with its own print stream gets
 * every alert line and batch summary there, and nothing of them on standard output.
 */
class ConsoleSinkTest {

    @TempDir
    Path temp;

    @Test
    void alertsAndSummariesGoToTheConsoleTheJobWasGiven() throws Exception {
        Corpus corpus = Corpora.fresh(515, 400);
        Path config = TestFiles.configWith(temp.resolve("c.properties"), "pseudonym-key-file="
                + temp.resolve("pseudonym.key") + "\n");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream realStdout = System.out;
        int status;
        try (LineServer server = new LineServer(corpus.lines())) {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            status = IncidentStreamingApp.run(CommandLineOptions.parse("--socket", "127.0.0.1:" + server.port(),
                    "--config", config.toString(), "--checkpoint", temp.resolve("cp").toString(), "--output",
                    temp.resolve("out").toString(), "--archive", "none", "--run-seconds", "10"),
                    new SparkConf().setMaster("local[2]").set("spark.ui.enabled", "false"),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(realStdout);
        }
        assertEquals(0, status);
        List<String> lines = console.toString(StandardCharsets.UTF_8).lines().toList();
        long alerts = lines.stream().filter(l -> l.startsWith("ALERT CRITICAL")).count();
        assertEquals(corpus.critical().size(), alerts, String.join("\n", lines));
        long accepted = lines.stream().filter(l -> l.startsWith("batch ") && l.contains(" accepted"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*: (\\d+) accepted.*", "$1"))).sum();
        assertEquals(corpus.totals().values().stream().mapToLong(Long::longValue).sum(), accepted,
                "the summaries count every accepted report");
        String onStdout = stdout.toString(StandardCharsets.UTF_8);
        assertFalse(onStdout.contains("ALERT") || onStdout.contains("accepted,"), onStdout);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("ALERT ") || l.startsWith("batch ")), lines.toString());
    }
}

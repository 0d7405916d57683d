package org.hospital.incidents.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/incident-review} against an output folder written like the job writes it. */
class ReviewTest {

    @TempDir
    Path temp;

    private void write(String name, long batch, String... lines) throws Exception {
        Path folder = temp.resolve("out").resolve(name).resolve("batch-" + batch);
        Files.createDirectories(folder);
        Files.write(folder.resolve("part-00000"), List.of(lines));
    }

    private static String review(String eventId, String ward, String occurredAt, String reported) {
        return "{\"eventId\":\"" + eventId + "\",\"wardId\":\"" + ward + "\",\"occurredAt\":\"" + occurredAt
                + "\",\"harmLevel\":\"moderate\",\"reportType\":\"incident\",\"hospitalId\":\"RH-01\","
                + "\"reportedCategory\":" + (reported == null ? "null" : "\"" + reported + "\"")
                + ",\"description\":\"Patient found on the floor beside the bed after the night round, no injury "
                + "seen\",\"patientToken\":\"0123456789abcdef0123456789abcdef\",\"batchTime\":1000}";
    }

    private void outputs() throws Exception {
        write("review", 1000, review("E-2", "ICU-2", "2026-11-21T08:05:00Z", "Medication"),
                review("E-1", "ED-1", "2026-11-21T08:00:00Z", null));
        write("review", 2000, review("E-3", "ICU-2", "2026-11-21T08:01:00Z", "slip"));
        write("requalifications", 3000, "{\"eventId\":\"E-3\",\"wardId\":\"ICU-2\",\"fromCategory\":"
                + "\"unclassified\",\"toCategory\":\"fall\",\"reviewedBy\":\"a\",\"reviewedAt\":"
                + "\"2026-11-21T09:00:00Z\",\"batchTime\":3000}");
    }

    /** Exit status, standard output and standard error of one run. */
    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            picocli.CommandLine commandLine = Review.commandLine();
            commandLine.setErr(new PrintWriter(System.err, true));
            int status = commandLine.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private String output() {
        return temp.resolve("out").toString();
    }

    @Test
    void listShowsThePendingReportsOldestFirstWithTheDescriptionCut() throws Exception {
        outputs();
        Run run = run("--output", output(), "list");
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("E-1 ") && lines.get(0).contains("(none)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("E-2 ") && lines.get(1).contains("Medication"), lines.get(1));
        assertTrue(lines.get(1).endsWith("Patient found on the floor beside the bed after the night r…"),
                lines.get(1));
        assertEquals("2 pending", lines.get(2), "E-3 is already requalified");
    }

    @Test
    void listShowsControlCharactersOfAReportEscapedOneLineEach() throws Exception {
        write("review", 1000, review("E-9", "ICU\\u001b[2J", "2026-11-21T08:05:00Z", "x\\nFORGED LINE")
                .replace("Patient found", "Bed rail\\u0007 broken\\r\\nE-0 fake line"));
        Run run = run("list", "--output", output());
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("E-9 "), lines.get(0));
        assertTrue(lines.get(0).contains("ICU\\u001b[2J") && lines.get(0).contains("x\\nFORGED LINE")
                && lines.get(0).contains("Bed rail\\u0007 broken\\r\\nE-0"), lines.get(0));
        assertTrue(run.out().chars().noneMatch(c -> c < 0x20 && c != '\n'), "no raw control character");
        Run sent = run("requalify", "E-9", "fall", "--reviewer", "dr.lee", "--print", "--output", output());
        assertEquals(0, sent.status(), "--output after the sub-command too: " + sent.err());
        assertTrue(sent.out().contains("\"wardId\":\"ICU\\u001b[2J\""), "the record keeps the ward as reported: "
                + sent.out());
    }

    @Test
    void requalifyPrintsOneRecordTheJobAccepts() throws Exception {
        outputs();
        Run run = run("--output", output(), "requalify", "E-2", "medication", "--reviewer", "dr.lee", "--print");
        assertEquals(0, run.status(), run.err());
        JsonObject record = JsonParser.parseString(run.out().trim()).getAsJsonObject();
        assertEquals("E-2", record.get("eventId").getAsString());
        assertEquals("ICU-2", record.get("wardId").getAsString());
        assertEquals("2026-11-21T08:05:00Z", record.get("occurredAt").getAsString());
        assertEquals("moderate", record.get("harmLevel").getAsString());
        assertEquals("requalified", record.get("status").getAsString());
        assertEquals("medication", record.get("category").getAsString());
        assertEquals("dr.lee", record.get("reviewedBy").getAsString());
        Instant.parse(record.get("reviewedAt").getAsString());
        assertFalse(run.out().contains("description"), "the record carries no free text");
    }

    @Test
    void refusalsExitTwoWithOneLine() throws Exception {
        outputs();
        Run unknown = run("--output", output(), "requalify", "E-2", "slips", "--reviewer", "r", "--print");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("incident-review: unknown category 'slips' (expected one of "
                + "blood_product,"), unknown.err());
        Run unclassified = run("--output", output(), "requalify", "E-2", "unclassified", "--reviewer", "r", "--print");
        assertEquals(2, unclassified.status());
        Run done = run("--output", output(), "requalify", "E-3", "fall", "--reviewer", "r", "--print");
        assertEquals(2, done.status());
        assertTrue(done.err().contains("eventId E-3 is not pending"), done.err());
        Run missing = run("--output", temp.resolve("nowhere").toString(), "list");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("output folder not found: ") && missing.err().contains("nowhere"),
                missing.err());
        Run noReviewer = run("--output", output(), "requalify", "E-2", "fall", "--print");
        assertEquals(2, noReviewer.status());
        assertTrue(noReviewer.err().contains("--reviewer NAME is required"), noReviewer.err());
        Run badFlag = run("--output", output(), "lst");
        assertEquals(2, badFlag.status());
    }

    @Test
    void aDecisionsFileSendsThePendingOnesAndNamesEachRefusal() throws Exception {
        outputs();
        Path decisions = temp.resolve("decisions.csv");
        Files.writeString(decisions, "eventId,category\nE-1,fall\n\"E-2\",\"medication\"\nE-3,fall\nE-9,fall\n"
                + "E-1,fall\nE-2,nonsense\nE-2\n");
        Run run = run("--output", output(), "requalify", "--decisions", decisions.toString(), "--reviewer", "r",
                "--print");
        assertEquals(1, run.status(), run.err());
        List<String> records = run.out().lines().toList();
        assertEquals(List.of("E-1", "E-2"), records.stream().map(l -> JsonParser.parseString(l).getAsJsonObject()
                .get("eventId").getAsString()).toList());
        assertTrue(run.err().startsWith("2 sent, 5 refused"), run.err());
        assertTrue(run.err().contains("refused line 4: eventId E-3 is not pending"), run.err());
        assertTrue(run.err().contains("refused line 6: eventId E-1 is not pending"), run.err());
        assertTrue(run.err().contains("refused line 7: unknown category 'nonsense'"), run.err());
        assertTrue(run.err().contains("refused line 8: expected 2 columns, found 1"), run.err());
    }

    @Test
    void theInteractiveModePicksSkipsAndQuits() throws Exception {
        outputs();
        Review review = new Review();
        review.output = output();
        review.reviewer = "dr.lee";
        review.print = true;
        review.clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
        StringWriter screen = new StringWriter();
        assertEquals(0, review.interactive(new StringReader("s\n12\n3\nq\n"), new PrintWriter(screen, true)));
        String text = screen.toString();
        assertTrue(text.startsWith("2 pending."), text);
        assertTrue(text.contains("[1/2] E-1") && text.contains("[2/2] E-2"), text);
        assertTrue(text.contains("not a choice: 12"), text);
        assertTrue(text.contains("\"eventId\":\"E-2\"") && text.contains("\"category\":\"fall\"")
                && text.contains("\"reviewedAt\":\"2026-11-21T10:00:00Z\""), text);
        assertTrue(text.contains("sent E-2 -> fall"), text);
        assertTrue(text.trim().endsWith("1 sent, 1 skipped"), text);
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/incident-review}'s interactive mode driven through a real terminal: tmux runs it in a pseudo-terminal
 * (so {@code System.console()} exists), {@code send-keys} types, {@code capture-pane} reads the screen. Skipped
 * with a message where tmux is not installed ({@code apt-get install -y tmux}).
 */
class ReviewTerminalIT {

    @TempDir
    Path temp;

    private static boolean hasTmux() {
        try {
            return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String tmux(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-L", "incident-review-it"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    private static String awaitScreen(String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "review");
            if (screen.contains(text)) {
                return screen;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("'" + text + "' not on the screen:\n" + screen);
    }

    @Test
    void pickSkipAndQuitOnARealTerminal() throws Exception {
        assumeTrue(hasTmux(), "tmux is not installed: skipping the terminal test (apt-get install -y tmux)");
        Path batch = Files.createDirectories(temp.resolve("out/review/batch-1000"));
        Files.write(batch.resolve("part-00000"), List.of(
                "{\"eventId\":\"T-1\",\"wardId\":\"ICU-2\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"harmLevel\":"
                        + "\"mild\",\"reportType\":\"incident\",\"hospitalId\":null,\"reportedCategory\":\"slip\","
                        + "\"description\":\"found on the floor\",\"patientToken\":null,\"batchTime\":1000}",
                "{\"eventId\":\"T-2\",\"wardId\":\"ED-1\",\"occurredAt\":\"2026-11-21T08:01:00Z\",\"harmLevel\":"
                        + "\"none\",\"reportType\":\"near_miss\",\"hospitalId\":null,\"reportedCategory\":null,"
                        + "\"description\":\"pump alarm ignored\",\"patientToken\":null,\"batchTime\":1000}",
                "{\"eventId\":\"T-3\",\"wardId\":\"ED-1\",\"occurredAt\":\"2026-11-21T08:02:00Z\",\"harmLevel\":"
                        + "\"none\",\"reportType\":\"incident\",\"hospitalId\":null,\"reportedCategory\":null,"
                        + "\"description\":null,\"patientToken\":null,\"batchTime\":1000}"));
        String command = Scripts.projectDir().resolve("bin/incident-review") + " --output " + temp.resolve("out")
                + " --reviewer dr.lee --print; echo EXIT=$?; sleep 60";
        tmux("kill-server");
        tmux("new-session", "-d", "-s", "review", "-x", "200", "-y", "50", command);
        try {
            awaitScreen("category [1-10], s skip, q quit:", 120);
            tmux("send-keys", "-t", "review", "s", "Enter");
            awaitScreen("[2/3] T-2", 30);
            tmux("send-keys", "-t", "review", "2", "Enter");
            String screen = awaitScreen("sent T-2 -> device_or_supply", 30);
            assertTrue(screen.contains("\"eventId\":\"T-2\"") && screen.contains("\"status\":\"requalified\"")
                    && screen.contains("\"reviewedBy\":\"dr.lee\""), screen);
            awaitScreen("[3/3] T-3", 30);
            tmux("send-keys", "-t", "review", "q", "Enter");
            screen = awaitScreen("EXIT=0", 30);
            assertTrue(screen.contains("1 sent, 1 skipped"), screen);
            assertTrue(screen.contains("description: found on the floor"), screen);
        } finally {
            tmux("kill-server");
        }
    }

    @Test
    void aReportsControlCharactersAreShownEscapedNotRunByTheTerminal() throws Exception {
        assumeTrue(hasTmux(), "tmux is not installed: skipping the terminal test (apt-get install -y tmux)");
        Path batch = Files.createDirectories(temp.resolve("out/review/batch-1000"));
        // A description that would clear the screen, turn it red and print a forged alert line of its own, and a
        // ward id with a cursor-home sequence: JSON escapes in the review queue, raw characters once decoded.
        Files.write(batch.resolve("part-00000"), List.of(
                "{\"eventId\":\"H-1\",\"wardId\":\"ICU-2\\u001b[H\",\"occurredAt\":\"2026-11-21T08:00:00Z\","
                        + "\"harmLevel\":\"mild\",\"reportType\":\"incident\",\"hospitalId\":null,"
                        + "\"reportedCategory\":\"slip\",\"description\":\"before\\u001b[2J\\u001b[31mRED\\n"
                        + "ALERT CRITICAL death incident in ward ICU-1: event FORGED\",\"patientToken\":null,"
                        + "\"batchTime\":1000}"));
        String command = "echo MARK-BEFORE; " + Scripts.projectDir().resolve("bin/incident-review") + " --output "
                + temp.resolve("out") + " --reviewer dr.lee --print; echo EXIT=$?; sleep 60";
        tmux("kill-server");
        tmux("new-session", "-d", "-s", "review", "-x", "220", "-y", "50", command);
        try {
            String screen = awaitScreen("category [1-10], s skip, q quit:", 120);
            assertTrue(screen.contains("MARK-BEFORE"), "nothing cleared the screen:\n" + screen);
            assertTrue(screen.contains("before\\u001b[2J\\u001b[31mRED\\nALERT CRITICAL death incident in ward ICU-1: "
                    + "event FORGED"), "the description on one line, its control characters shown:\n" + screen);
            assertTrue(screen.contains("ICU-2\\u001b[H"), "the ward id's escape shown:\n" + screen);
            assertTrue(screen.lines().noneMatch(line -> line.startsWith("ALERT CRITICAL")),
                    "no forged line of its own:\n" + screen);
            tmux("send-keys", "-t", "review", "q", "Enter");
            awaitScreen("EXIT=0", 30);
        } finally {
            tmux("kill-server");
        }
    }
}

package org.hospital.incidents.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path temp;

    private static final JsonObject ANSWER = JsonParser.parseString("{\"malformed\":1,\"totals\":{\"ICU-2\":3},"
            + "\"byHarmLevel\":{\"ICU-2\":{\"mild\":2,\"severe\":1}},\"byCategory\":{\"ICU-2\":{\"fall\":3}},"
            + "\"critical\":[\"E-3\"]}").getAsJsonObject();

    private void write(String name, long batch, String... lines) throws Exception {
        Path folder = temp.resolve(name).resolve("batch-" + batch);
        Files.createDirectories(folder);
        Files.write(folder.resolve("part-00000"), List.of(lines));
    }

    private List<String> differences() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        return Report.differences(fs, new org.apache.hadoop.fs.Path(temp.toUri()), ANSWER);
    }

    @Test
    void latestLinePerWardAndEachCriticalAlertOnceMatch() throws Exception {
        write("ward-totals", 1000, "{\"wardId\":\"ICU-2\",\"total\":1,\"byHarmLevel\":{\"mild\":1},"
                + "\"byCategory\":{\"fall\":1},\"batchTime\":1000}");
        write("ward-totals", 2000, "{\"wardId\":\"ICU-2\",\"total\":3,\"byHarmLevel\":{\"mild\":2,\"severe\":1},"
                + "\"byCategory\":{\"fall\":3},\"batchTime\":2000}");
        write("alerts", 2000, "{\"type\":\"CRITICAL\",\"eventId\":\"E-3\",\"batchTime\":2000}",
                "{\"type\":\"SURGE\",\"wardId\":\"ICU-2\",\"batchTime\":2000}");
        write("rejected", 1000, "{\"reason\":\"malformed JSON\"}");
        assertEquals(List.of(), differences());
    }

    @Test
    void namesEveryDifference() throws Exception {
        write("ward-totals", 2000, "{\"wardId\":\"ICU-2\",\"total\":4,\"byHarmLevel\":{\"mild\":3,\"severe\":1},"
                + "\"byCategory\":{\"fall\":4},\"batchTime\":2000}",
                "{\"wardId\":\"ED-1\",\"total\":1,\"byHarmLevel\":{\"none\":1},\"byCategory\":{\"fall\":1},"
                + "\"batchTime\":2000}");
        write("alerts", 2000, "{\"type\":\"CRITICAL\",\"eventId\":\"E-9\",\"batchTime\":2000}");
        List<String> differences = differences();
        assertEquals(List.of(
                "ward ED-1: total 1, expected 0",
                "ward ED-1: byHarmLevel {\"none\":1}, expected null",
                "ward ED-1: byCategory {\"fall\":1}, expected null",
                "ward ICU-2: total 4, expected 3",
                "ward ICU-2: byHarmLevel {\"mild\":3,\"severe\":1}, expected {\"mild\":2,\"severe\":1}",
                "ward ICU-2: byCategory {\"fall\":4}, expected {\"fall\":3}",
                "CRITICAL alert missing for event E-3",
                "CRITICAL alert for event E-9 not expected",
                "rejected lines 0, expected 1 (1 malformed, 0 repeats, 0 originals read after their amendment)"),
                differences);
    }

    private static final JsonObject AMENDED = JsonParser.parseString("{\"malformed\":1,\"repeats\":1,"
            + "\"amended\":[\"A-1\",\"A-2\"],\"totals\":{},\"byHarmLevel\":{},\"byCategory\":{},\"critical\":[]}")
            .getAsJsonObject();

    private static String duplicate(String line) {
        JsonObject record = new JsonObject();
        record.addProperty("reason", "duplicate eventId (first seen 1000)");
        record.addProperty("line", line);
        return record.toString();
    }

    @Test
    void anAmendedReportIsAnAmendmentOrItsOriginalIsTheDuplicateInEitherOrder() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(temp.toUri());
        // A-1's amendment came after its original; A-2's overtook it (another partition read first), so A-2's
        // original is the duplicate. Plus one exact repeat and one malformed line.
        write("amendments", 2000, "{\"eventId\":\"A-1\",\"batchTime\":2000}");
        write("rejected", 2000, "{\"reason\":\"malformed JSON\",\"line\":\"{\"}",
                duplicate("{\"eventId\":\"R-1\",\"updatedAt\":\"2026-11-21T11:00:00Z\"}"),
                duplicate("{\"eventId\":\"A-2\",\"harmLevel\":\"mild\"}"));
        assertEquals(List.of(), Report.differences(fs, root, AMENDED));

        // Neither applied nor overtaken (A-2's original not rejected): one rejected line short, one amended missing.
        write("rejected", 2000, "{\"reason\":\"malformed JSON\",\"line\":\"{\"}",
                duplicate("{\"eventId\":\"R-1\"}"));
        write("amendments", 3000, "{\"eventId\":\"A-1\",\"batchTime\":3000}",
                "{\"eventId\":\"X-9\",\"batchTime\":3000}");
        assertEquals(List.of("amendment of event A-1 written 2 times", "amendment of event X-9 not expected",
                "amended reports: 1 applied and 0 originals read after them, expected 2 in all"),
                Report.differences(fs, root, AMENDED));
    }
}

package org.hospital.incidents.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.hospital.incidents.parse.Pseudonymizer;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;

/** Reads an archive (DESIGN.md "Archive") back through Hadoop and checks it against the corpora sent. */
public final class ArchiveCheck {

    private ArchiveCheck() {
    }

    /**
     * @param fs file system of the archive
     * @param root archive root
     * @return every entry of every {@code date=*}/{@code batch-*}/{@code part-*.gz} file
     * @throws IOException on a read error
     */
    public static List<JsonObject> entries(FileSystem fs, String root) throws IOException {
        List<JsonObject> entries = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(root), true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            String name = file.getPath().getName();
            if (!name.startsWith("part-") || !name.endsWith(".gz") || file.getPath().toString().contains("/_tmp/")) {
                continue;
            }
            assertTrue(file.getPath().getParent().getParent().getName().startsWith("date="), file.getPath().toString());
            // GZIPInputStream reads concatenated gzip members, as zcat and hdfs dfs -text do.
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(fs.open(file.getPath())), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    entries.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        }
        return entries;
    }

    /**
     * Every non-blank line of the corpora is in the archive exactly once (one entry per Kafka offset), rejected
     * ones (malformed, duplicates) with status {@code rejected}, amendments with status {@code amended}; accepted
     * entries carry the token of the line's patientRef and never the patientRef; distinct patientRefs have distinct
     * tokens; the archive's folders are owner-only.
     *
     * @param fs file system of the archive
     * @param root archive root
     * @param pseudonymizer the job's key
     * @param topic Kafka topic the corpora were produced to
     * @param corpora what was produced
     * @throws IOException on a read error
     */
    public static void assertEveryLineOnce(FileSystem fs, String root, Pseudonymizer pseudonymizer, String topic,
            List<Corpus> corpora) throws IOException {
        Map<String, String> refByEvent = new HashMap<>();
        int nonBlank = 0;
        int explained = 0;
        int amendments = 0;
        for (Corpus corpus : corpora) {
            explained += corpus.malformed() + corpus.repeats();
            amendments += corpus.amended().size();
            for (String line : corpus.lines()) {
                if (line.isBlank()) {
                    continue;
                }
                nonBlank++;
                if (line.contains("\"patientRef\"")) {
                    JsonObject json = JsonParser.parseString(line).getAsJsonObject();
                    refByEvent.put(json.get("eventId").getAsString(), json.get("patientRef").getAsString());
                }
            }
        }
        List<JsonObject> entries = entries(fs, root);
        Set<String> sources = new HashSet<>();
        List<JsonObject> rejected = new java.util.ArrayList<>();
        int amended = 0;
        Map<String, String> refByToken = new HashMap<>();
        for (JsonObject entry : entries) {
            String source = entry.get("source").getAsString();
            assertTrue(source.startsWith("kafka:" + topic + "/"), source);
            assertTrue(sources.add(source), "archived twice: " + source);
            String status = entry.get("status").getAsString();
            if (status.equals("rejected")) {
                rejected.add(entry);
                assertNotNull(entry.get("reason"));
                continue;
            }
            amended += status.equals("amended") ? 1 : 0;
            assertTrue(status.equals("accepted") || status.equals("amended"), status);
            JsonObject incident = entry.getAsJsonObject("incident");
            assertFalse(incident.has("patientRef"), "no patientRef in the archive");
            String ref = refByEvent.get(incident.get("eventId").getAsString());
            if (ref != null) {
                String token = incident.get("patientToken").getAsString();
                assertEquals(pseudonymizer.token(ref), token, "token stable across restarts");
                String previous = refByToken.put(token, ref);
                assertTrue(previous == null || previous.equals(ref), "two patientRefs share a token");
            }
        }
        assertEquals(nonBlank, entries.size(), "every non-blank line archived once");
        int expectedRejected = Corpora.expectedRejected(rejected, 0, corpora.toArray(new Corpus[0]));
        assertEquals(expectedRejected, rejected.size(),
                "malformed lines and duplicates archived with status rejected, nothing else");
        assertEquals(amendments, amended + (expectedRejected - explained),
                "each amendment archived as amended, unless it overtook its original (then it counted first)");
        FileStatus[] days = fs.globStatus(new Path(root, "date=*"));
        assertTrue(days.length > 0);
        for (FileStatus day : days) {
            assertEquals(new FsPermission((short) 0700), day.getPermission(), day.getPath().toString());
        }
    }

    /**
     * @param fs a file system
     * @param root a folder
     * @param needle bytes to look for
     * @return true when a file under {@code root} contains them
     * @throws IOException on a read error
     */
    public static boolean contains(FileSystem fs, String root, byte[] needle) throws IOException {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(root), true);
        while (files.hasNext()) {
            byte[] bytes;
            try (var in = fs.open(files.next().getPath())) {
                bytes = in.readAllBytes();
            }
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                    return true;
                }
            }
        }
        return false;
    }
}

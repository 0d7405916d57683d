package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.hospital.incidents.testing.ArchiveCheck;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job fed through a real TCP socket, the way {@code nc -lk} feeds it, on a corpus it has never seen. */
class SocketSourceIT {

    @TempDir
    Path temp;

    @Test
    void countsEveryReportOfAFreshCorpusFedOverATcpSocket() throws Exception {
        Corpus corpus = Corpora.fresh(1001, 1500);
        // The corpus, with one line of invalid UTF-8 bytes in the middle, as a damaged sender would write it.
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
        List<String> lines = corpus.lines();
        for (int i = 0; i < lines.size(); i++) {
            payload.write((lines.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
            if (i == lines.size() / 2) {
                payload.write(new byte[] {'{', '"', 'e', (byte) 0xC3, 0x28, '"', '}', '\n'});
            }
        }
        try (LineServer server = new LineServer(payload.toByteArray(), 0)) {
            int status = InProcessJob.run("--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", temp.resolve("out").toString(),
                    "--archive", temp.resolve("archive").toString(),
                    "--window-seconds", "4", "--slide-seconds", "2", "--surge-threshold", "100",
                    "--run-seconds", "20");
            assertEquals(0, status);
            assertTrue(server.awaitSent(1), "the receiver connected and took every line");
        }
        OutputFolder out = new OutputFolder(temp.resolve("out"));
        Corpora.assertOutputsMatch(out, 1, corpus);
        int invalidUtf8 = 0;
        for (JsonObject rejected : out.records("rejected")) {
            assertEquals("socket", rejected.get("source").getAsString());
            if (rejected.get("reason").getAsString().startsWith("invalid UTF-8: byte 0xC3 at byte offset 3")) {
                invalidUtf8++;
            }
        }
        assertEquals(1, invalidUtf8, "the invalid bytes rejected with their offset");
        assertTrue(out.records("ward-windows").size() > 0, "windows were written");
        // The socket run is archived too: every non-blank line once, the invalid bytes as a rejected entry.
        List<JsonObject> archived = ArchiveCheck.entries(FileSystem.getLocal(new Configuration()),
                temp.resolve("archive").toString());
        long nonBlank = lines.stream().filter(l -> !l.isBlank()).count() + 1;
        assertEquals(nonBlank, archived.size());
        assertEquals(corpus.malformed() + 1, archived.stream()
                .filter(e -> e.get("status").getAsString().equals("rejected")).count());
    }
}

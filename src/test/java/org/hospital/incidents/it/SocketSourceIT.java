package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.tools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job fed through a real TCP socket, the way {@code nc -lk} feeds it, on a corpus it has never seen. */
class SocketSourceIT {

    @TempDir
    Path temp;

    @Test
    void countsEveryReportOfAFreshCorpusFedOverATcpSocket() throws Exception {
        Corpus corpus = Corpora.fresh(1001, 1500);
        try (LineServer server = new LineServer(corpus.lines())) {
            int status = InProcessJob.run("--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", temp.resolve("checkpoint").toString(), "--output", temp.resolve("out").toString(),
                    "--window-seconds", "4", "--slide-seconds", "2", "--surge-threshold", "100",
                    "--run-seconds", "20");
            assertEquals(0, status);
            assertTrue(server.awaitSent(1), "the receiver connected and took every line");
        }
        OutputFolder out = new OutputFolder(temp.resolve("out"));
        Corpora.assertOutputsMatch(out, corpus);
        for (JsonObject rejected : out.records("rejected")) {
            assertEquals("socket", rejected.get("source").getAsString());
        }
        assertTrue(out.records("ward-windows").size() > 0, "windows were written");
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.InProcessJob;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and outputs on a real HDFS (MiniDFSCluster on a fixed port), used through hdfs:// URIs. */
class HdfsCheckpointIT {

    @TempDir
    Path temp;

    private MiniHdfs miniHdfs;
    private String hdfs;

    @BeforeEach
    void startHdfs() throws Exception {
        miniHdfs = new MiniHdfs(temp.resolve("hdfs"));
        hdfs = miniHdfs.uri();
    }

    @AfterEach
    void stopHdfs() {
        if (miniHdfs != null) {
            miniHdfs.close();
        }
    }

    private int runSocketJob(Corpus corpus, int port) throws Exception {
        try (LineServer server = new LineServer(corpus.lines(), port)) {
            int status = InProcessJob.run("--socket", "127.0.0.1:" + server.port(),
                    "--checkpoint", hdfs + "/hospital/checkpoint", "--output", hdfs + "/hospital/out",
                    "--archive", hdfs + "/hospital/archive",
                    "--window-seconds", "4", "--slide-seconds", "2", "--run-seconds", "15");
            assertTrue(server.awaitSent(1), "the receiver took every line");
            return status;
        }
    }

    @Test
    void keepsStateAndOutputsOnHdfsAndResumesTotalsAfterRestart() throws Exception {
        // One socket port for both runs: a recovered context reconnects to the source stored in its checkpoint.
        int port = Scripts.freePort();
        Corpus first = Corpora.fresh(4004, 900);
        assertEquals(0, runSocketJob(first, port));
        OutputFolder out = new OutputFolder(hdfs + "/hospital/out");
        Corpora.assertOutputsMatch(out, first);
        FileSystem fs = miniHdfs.cluster().getFileSystem();
        assertTrue(fs.listStatus(new org.apache.hadoop.fs.Path("/hospital/checkpoint")).length > 0,
                "checkpoint files on HDFS");
        // Owner-only on HDFS too (docs/DESIGN.md "Privacy and hostile input"): the job's Hadoop umask 077.
        for (String root : new String[] {"/hospital/checkpoint", "/hospital/out", "/hospital/archive"}) {
            long files = 0;
            org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> all =
                    fs.listFiles(new org.apache.hadoop.fs.Path(root), true);
            while (all.hasNext()) {
                org.apache.hadoop.fs.LocatedFileStatus file = all.next();
                assertEquals("rw-------", file.getPermission().toString(), "file " + file.getPath());
                org.apache.hadoop.fs.Path parent = file.getPath().getParent();
                while (parent != null && parent.toUri().getPath().startsWith(root)) {
                    assertEquals("rwx------", fs.getFileStatus(parent).getPermission().toString(),
                            "folder " + parent);
                    parent = parent.getParent();
                }
                files++;
            }
            assertTrue(files > 0, root + " has files");
        }

        // Same checkpoint on HDFS: the running totals continue from the first run's state.
        Corpus second = Corpora.fresh(4005, 500);
        assertEquals(0, runSocketJob(second, port));
        Corpora.assertOutputsMatch(out, first, second);
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LineServer;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner-only on HDFS means something only where HDFS checks permissions (docs/DESIGN.md "One driver, alerts exactly
 * once, patient data kept only as long as allowed"): {@code bin/hdfs-local} runs with {@code dfs.permissions.enabled},
 * the job ({@code bin/incident-stream}) writes its checkpoint, outputs and archive there, the owner reads them back,
 * and another HDFS user ({@code intruder}, simple authentication) can neither list nor read any of them.
 */
class HdfsPermissionsIT {

    @TempDir
    Path temp;

    @Test
    void anotherHdfsUserCannotListOrReadTheCheckpointOutputsOrArchive() throws Exception {
        int port = Scripts.freePort();
        Map<String, String> hdfs = Map.of("HDFS_PORT", Integer.toString(port), "HDFS_HTTP_PORT",
                Integer.toString(Scripts.freePort()), "HDFS_DATA", temp.resolve("hdfs").toString());
        Scripts.Result started = Scripts.run(hdfs, 240, "hdfs-local", "start");
        assertEquals(0, started.exitCode(), started.stdout() + started.stderr());
        try {
            String root = "hdfs://127.0.0.1:" + port + "/hospital";
            Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file="
                    + temp.resolve("key") + "\n");
            Scripts.Result run;
            try (LineServer server = new LineServer(Corpora.fresh(34, 300).lines())) {
                run = Scripts.run(Map.of(), 240, "incident-stream", "--socket", "127.0.0.1:" + server.port(),
                        "--checkpoint", root + "/checkpoint", "--output", root + "/out", "--archive",
                        root + "/archive", "--run-seconds", "20", "--config", config.toString());
            }
            assertEquals(0, run.exitCode(), run.stderr());
            // The owner (the user who started HDFS and the job) reads everything back.
            Scripts.Result owner = dfs(hdfs, null, "-ls", "-R", root);
            assertEquals(0, owner.exitCode(), owner.stderr());
            String listing = owner.stdout();
            for (String tree : List.of("/checkpoint", "/out/ward-totals", "/archive/date=")) {
                assertTrue(listing.contains(tree), tree + " was written: " + listing);
            }
            String part = listing.lines().filter(l -> l.contains("/out/ward-totals/batch-") && l.contains("part-"))
                    .map(l -> l.substring(l.indexOf(root))).findFirst().orElseThrow();
            String archived = listing.lines().filter(l -> l.contains("/archive/date=") && l.endsWith(".gz"))
                    .map(l -> l.substring(l.indexOf(root))).findFirst().orElseThrow();
            assertTrue(listing.lines().filter(l -> l.startsWith("d")).allMatch(l -> l.startsWith("drwx------")),
                    "every folder is 0700: " + listing);
            assertTrue(listing.lines().filter(l -> l.startsWith("-")).allMatch(l -> l.startsWith("-rw-------")),
                    "every file is 0600: " + listing);
            assertEquals(0, dfs(hdfs, null, "-cat", part).exitCode(), "the owner reads an output part");
            // Another user: refused everywhere.
            for (String path : List.of(root + "/checkpoint", root + "/out", root + "/out/ward-totals",
                    root + "/archive")) {
                Scripts.Result listed = dfs(hdfs, "intruder", "-ls", path);
                assertNotEquals(0, listed.exitCode(), "intruder listed " + path + ": " + listed.stdout());
                assertTrue(listed.stderr().contains("Permission denied"), listed.stderr());
            }
            for (String file : List.of(part, archived)) {
                Scripts.Result read = dfs(hdfs, "intruder", "-cat", file);
                assertNotEquals(0, read.exitCode(), "intruder read " + file);
                assertTrue(read.stderr().contains("Permission denied"), read.stderr());
                assertEquals("", read.stdout(), "nothing of " + file + " reached the intruder");
            }
        } finally {
            Scripts.run(hdfs, 120, "hdfs-local", "stop");
        }
    }

    /** {@code bin/hdfs-local dfs ARGS} as {@code user} (HADOOP_USER_NAME; null: the owner). */
    private static Scripts.Result dfs(Map<String, String> hdfs, String user, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(hdfs);
        if (user != null) {
            env.put("HADOOP_USER_NAME", user);
        }
        String[] command = new String[args.length + 1];
        command[0] = "dfs";
        System.arraycopy(args, 0, command, 1, args.length);
        return Scripts.run(env, 120, "hdfs-local", command);
    }
}

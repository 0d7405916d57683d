package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hospital.incidents.parse.Pseudonymizer;
import org.hospital.incidents.testing.ArchiveCheck;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.DriverLog;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.MiniHdfs;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.PacedProducer;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once state for Kafka input across driver crashes: the job (the application jar under SparkSubmit) is
 * killed with SIGKILL three times while reports keep arriving in a 3-partition topic, and restarted each time
 * from its checkpoint on HDFS. The final per-ward totals must equal the input exactly: nothing lost, nothing
 * counted twice, and one CRITICAL alert per severe or death event. The archive (on HDFS too) must hold every
 * non-blank line exactly once with its status, patient identifiers as tokens that stay the same across the
 * restarts, in owner-only folders; the key must be nowhere in the checkpoint.
 */
class DriverCrashRecoveryIT {

    private static final String TOPIC = "incidents-crash";

    @TempDir
    Path temp;

    private static final String ALERTS_TOPIC = "crash-it-alerts";

    @Test
    void totalsAreExactAfterThreeSigkillsWhileDataKeepsArriving() throws Exception {
        try (MiniHdfs miniHdfs = new MiniHdfs(temp.resolve("hdfs")); LocalKafka kafka = new LocalKafka()) {
            String hdfs = miniHdfs.uri();
            kafka.createTopic(TOPIC, 3);
            kafka.createTopic(ALERTS_TOPIC, 2);
            // Amendments (later updatedAt: harm re-graded, ward corrected, category changed) and exact repeats mixed
            // in: the incident ledger must count each report's last version once across the kills.
            List<Corpus> corpora = List.of(Corpora.amended(5001, 1200, 40, 30), Corpora.amended(5002, 1200, 40, 30),
                    Corpora.amended(5003, 1200, 40, 30), Corpora.amended(5004, 1200, 40, 30));

            // Keep producing while the driver is killed and restarted: one corpus every ~12 s.
            PacedProducer producer = new PacedProducer(kafka, TOPIC, corpora, 100);
            Path keyFile = temp.resolve("pseudonym.key");
            Path config = TestFiles.configWith(temp.resolve("app.properties"), "pseudonym-key-file=" + keyFile + "\n");
            List<String> args = List.of("--kafka", kafka.bootstrap(), "--topics", TOPIC, "--group-id", "crash-it",
                    "--checkpoint", hdfs + "/hospital/checkpoint", "--output", hdfs + "/hospital/out",
                    "--archive", hdfs + "/hospital/archive", "--config", config.toString(),
                    "--window-seconds", "4", "--slide-seconds", "2", "--alerts-topic", ALERTS_TOPIC);
            for (int crash = 1; crash <= 3; crash++) {
                Path log = temp.resolve("run-" + crash + ".out");
                long started = System.nanoTime();
                Process driver = start(args, log);
                DriverLog console = new DriverLog(log, driver);
                console.awaitBatchesWithData(1, () -> true);
                // Reported in the failsafe output and in docs/RELIABILITY.md.
                System.out.printf("crash-recovery: run %d processed its first batch %.1f s after start%n", crash,
                        (System.nanoTime() - started) / 1e9);
                // Kill mid-stream: after a second batch with data, while the producer is still going. (Once the
                // producer is done, a restart may read the whole backlog in one batch: then one is enough.)
                console.awaitBatchesWithData(2, () -> !producer.isAlive());
                driver.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
                assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, driver.exitValue(), "killed by SIGKILL");
            }
            producer.await(3);

            List<String> last = new ArrayList<>(args);
            last.addAll(List.of("--run-seconds", "30"));
            Path log = temp.resolve("final.out");
            Process driver = start(last, log);
            assertTrue(driver.waitFor(4, TimeUnit.MINUTES), "final run ends");
            assertEquals(0, driver.exitValue(), Files.readString(log));

            Corpora.assertOutputsMatch(new OutputFolder(hdfs + "/hospital/out"), corpora.toArray(new Corpus[0]));
            ArchiveCheck.assertEveryLineOnce(miniHdfs.cluster().getFileSystem(), hdfs + "/hospital/archive",
                    new Pseudonymizer(keyFile.toString()), TOPIC, corpora);
            // Analytics replays the same archive through the ledger's own rule: its incidents are the stream's.
            Path analytics = temp.resolve("analytics");
            Scripts.Result analysed = Scripts.run(Map.of(), 300, "incident-analytics", "--archive",
                    hdfs + "/hospital/archive", "--out", analytics.toString());
            assertEquals(0, analysed.exitCode(), analysed.stdout() + analysed.stderr());
            Map<String, Long> analysedTotals = new java.util.TreeMap<>();
            Map<String, Map<String, Long>> analysedHarm = new java.util.TreeMap<>();
            List<String> rows = Files.readAllLines(analytics.resolve("incidents.csv"));
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",", -1);
                analysedTotals.merge(cells[6], 1L, Long::sum);
                analysedHarm.computeIfAbsent(cells[6], w -> new java.util.TreeMap<>()).merge(cells[7], 1L, Long::sum);
            }
            OutputFolder folder = new OutputFolder(hdfs + "/hospital/out");
            assertEquals(folder.totals(), analysedTotals, "analytics' per-ward incidents = the stream's totals");
            Map<String, Map<String, Long>> streamHarm = new java.util.TreeMap<>();
            folder.latestWardTotals().forEach((ward, json) -> streamHarm.put(ward,
                    OutputFolder.counts(json.getAsJsonObject("byHarmLevel"))));
            assertEquals(streamHarm, analysedHarm, "and the same harm levels per ward");
            assertFalse(ArchiveCheck.contains(miniHdfs.cluster().getFileSystem(), hdfs + "/hospital/checkpoint",
                    Files.readAllBytes(keyFile)), "the pseudonymisation key is not in the checkpoint");
            // Alerts on Kafka: each alert of the alerts/ folder exactly once for a read_committed consumer, keyed by
            // its alertId, nothing else, across the three SIGKILLs (docs/DESIGN.md "One driver, alerts exactly
            // once…"); a read_uncommitted consumer may see an aborted transaction's alerts as well.
            java.util.Set<String> written = new java.util.TreeSet<>();
            for (com.google.gson.JsonObject alert : new OutputFolder(hdfs + "/hospital/out").records("alerts")) {
                written.add(alert.get("alertId").getAsString());
            }
            List<Map.Entry<String, String>> published = kafka.consumeAll(ALERTS_TOPIC, "read_committed");
            java.util.Set<String> keys = new java.util.TreeSet<>();
            for (Map.Entry<String, String> record : published) {
                assertEquals(record.getKey(), com.google.gson.JsonParser.parseString(record.getValue())
                        .getAsJsonObject().get("alertId").getAsString(), "key = the value's alertId");
                keys.add(record.getKey());
            }
            assertFalse(written.isEmpty());
            assertEquals(written, keys, "every alert on the alerts topic, none lost across the SIGKILLs");
            assertEquals(keys.size(), published.size(), "and none twice");
            System.out.printf("crash-recovery: %d alerts, %d records on the alerts topic (repeats after kills: %d)%n",
                    written.size(), published.size(), published.size() - keys.size());
            int records = corpora.stream().mapToInt(c -> c.lines().size()).sum();
            int rejected = new OutputFolder(hdfs + "/hospital/out").records("rejected").size();
            int amendments = corpora.stream().mapToInt(c -> c.amended().size()).sum();
            System.out.printf("crash-recovery: %d lines in (%d amendments), %d rejected, 3 SIGKILLs, totals exact%n",
                    records, amendments, rejected);
            assertTrue(new OutputFolder(hdfs + "/hospital/out").records("amendments").size() > 0,
                    "amendments applied and written");
        }
    }

    private static Process start(List<String> args, Path log) throws Exception {
        return Scripts.start(log, "incident-stream", args.toArray(new String[0]));
    }
}

package org.hospital.incidents.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.testing.GraphHarness;
import org.hospital.incidents.testing.TestKeys;
import org.junit.jupiter.api.Test;

/**
 * Nothing that identifies a patient reaches the state Spark checkpoints or the shuffle files (docs/DESIGN.md "The
 * incident ledger"): reports with marker values in {@code patientRef} and {@code description} arrive in every
 * batch, a third of them twice (duplicates) and some unclassified (review queue), for long enough that both the
 * ledger and the ward state are checkpointed; then every byte of the checkpoint's RDD folders and of Spark's local
 * directory is scanned.
 *
 * <p>The scan looks for each marker without its last character: Kryo writes an ASCII string with the high bit of
 * its last byte set. The graph's own checkpoint files ({@code checkpoint-<time>}) are not scanned: in this harness
 * they hold the test input stream with its lines, which a real source does not write there.
 */
class LedgerPrivacyTest {

    private static final String PATIENT = "PATIENTMARKER9434765919";
    private static final String DESCRIPTION = "DESCRIPTIONMARKER-fell-in-bay-4";

    @Test
    void theCheckpointAndTheShuffleFilesHoldNoPatientRefTokenOrDescription() throws Exception {
        String token = TestKeys.pseudonymizer().token(PATIENT);
        List<List<String>> batches = new ArrayList<>();
        int batchCount = 14;
        for (int b = 0; b < batchCount; b++) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String id = "E-" + b + "-" + i;
                String line = "{\"eventId\":\"" + id + "\",\"occurredAt\":\"2026-11-21T08:00:00Z\",\"wardId\":\"W-"
                        + (i % 3) + "\",\"harmLevel\":\"" + (i % 7 == 0 ? "severe" : "mild") + "\""
                        + (i % 5 == 0 ? "" : ",\"category\":\"fall\"") + ",\"patientRef\":\"" + PATIENT + i
                        + "\",\"description\":\"" + DESCRIPTION + " " + i + "\"}";
                batch.add(line);
                if (i % 3 == 0) {
                    batch.add(line);
                }
            }
            batches.add(batch);
        }
        // State checkpoints: the ward state every 2 s, the ledger every 10 batch intervals (mapWithState's default).
        GraphSettings settings = GraphHarness.settings(1, 4, 2, 1000, 2, 2);
        try (GraphHarness harness = new GraphHarness(settings, batches)) {
            harness.runBatches(batchCount);
            long total = harness.<WardTotal>output("ward-totals", harness.batchTime(batchCount - 1)).stream()
                    .mapToLong(t -> t.state().total()).sum();
            assertEquals(30L * batchCount, total, "each report counted once");
            assertTrue(harness.output("rejected", harness.batchTime(0)).size() == 10, "the repeats are rejected");
            // Stopped first, so that Spark's clean-up of old checkpoint files does not race the scan.
            harness.stop();

            List<Path> rddFiles = files(harness.checkpoint()).stream()
                    .filter(p -> p.toString().contains("/rdd-")).toList();
            assertTrue(rddFiles.stream().anyMatch(p -> p.getFileName().toString().startsWith("part-")),
                    "the state was checkpointed: " + harness.checkpoint());
            List<Path> scanned = new ArrayList<>(rddFiles);
            scanned.addAll(files(harness.localDir()));
            for (String marker : List.of(PATIENT, DESCRIPTION, token)) {
                byte[] prefix = marker.substring(0, marker.length() - 1).getBytes(StandardCharsets.US_ASCII);
                for (Path file : scanned) {
                    assertTrue(indexOf(Files.readAllBytes(file), prefix) < 0,
                            "patient data (" + marker.substring(0, 12) + "…) in " + file);
                }
            }
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

package org.hospital.incidents.stream.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.hospital.incidents.stream.app.KryoClasses;
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outputs' commit protocol on a real local Spark (docs/DESIGN.md "Outputs": idempotent per batch time), and
 * owner-only files and folders ("Privacy and hostile input").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchOutputWriterTest {

    @TempDir
    Path temp;

    private JavaSparkContext sc;

    @BeforeAll
    void start() {
        // local[2,2]: two cores, and a failed task is tried once more (the attempt test needs a second attempt).
        sc = new JavaSparkContext(KryoClasses.configure(new SparkConf().setMaster("local[2,2]")
                .setAppName("BatchOutputWriterTest").set("spark.ui.enabled", "false")));
    }

    @AfterAll
    void stop() {
        sc.stop();
    }

    private JavaRDD<OutputRecord> records(String prefix, int n) {
        return records(prefix, n, 2);
    }

    private JavaRDD<OutputRecord> records(String prefix, int n, int partitions) {
        List<OutputRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(OutputRecord.line(BatchOutcomes.Output.REJECTED, "{\"r\":\"" + prefix + i + "\"}"));
            records.add(OutputRecord.line(BatchOutcomes.Output.WARD_TOTALS, "{\"w\":\"" + prefix + i + "\"}"));
        }
        return sc.parallelize(records, partitions);
    }

    private static List<String> lines(Path folder) throws Exception {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                all.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        all.sort(String::compareTo);
        return all;
    }

    @Test
    void aReRunOfBatchTReplacesExactlyTsFilesAndLeavesOtherBatchesAlone() throws Exception {
        Path root = temp.resolve("rerun");
        BatchOutputWriter writer = new BatchOutputWriter(root.toString(), null, null, 2);
        writer.write(records("a", 5), 1000, sc.hadoopConfiguration(), null);
        writer.write(records("b", 3), 2000, sc.hadoopConfiguration(), null);
        assertEquals(5, lines(root.resolve("rejected/batch-1000")).size());
        // Batch 1000 again (recovery recomputes it), with fewer lines: its files are replaced, not added to.
        BatchOutputWriter.Written again = writer.write(records("c", 2), 1000, sc.hadoopConfiguration(), null);
        assertEquals(2, again.count(BatchOutcomes.Output.REJECTED));
        assertEquals(List.of("{\"r\":\"c0\"}", "{\"r\":\"c1\"}"), lines(root.resolve("rejected/batch-1000")));
        assertEquals(List.of("{\"w\":\"c0\"}", "{\"w\":\"c1\"}"), lines(root.resolve("ward-totals/batch-1000")));
        assertEquals(3, lines(root.resolve("rejected/batch-2000")).size(), "batch 2000 untouched");
        try (Stream<Path> tmp = Files.list(root.resolve("_tmp"))) {
            assertEquals(0, tmp.count(), "no job folder left behind");
        }
    }

    private static List<String> fileNames(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLiveFeedsBatchIsOneFilePerOutputAndABatchAfterALargeOneUsesEveryWriteTask() throws Exception {
        Path root = temp.resolve("tasks");
        BatchOutputWriter writer = new BatchOutputWriter(root.toString(), null, null, 2);
        int large = (int) BatchOutputWriter.PARALLEL_WRITE_RECORDS / 2;
        // Four partitions, as a batch's union of outputs has many: a small batch first, then a large one, both after
        // small batches: one task, one file per output.
        writer.write(records("a", 3, 4), 1000, sc.hadoopConfiguration(), null);
        writer.write(records("b", large, 4), 2000, sc.hadoopConfiguration(), null);
        assertEquals(List.of("part-00000"), fileNames(root.resolve("rejected/batch-1000")));
        assertEquals(List.of("part-00000"), fileNames(root.resolve("rejected/batch-2000")));
        // After the large batch (a backlog): two tasks, each dealt two of the four partitions, every line once.
        BatchOutputWriter.Written next = writer.write(records("c", large, 4), 3000,
                sc.hadoopConfiguration(), null);
        assertEquals(large, next.count(BatchOutcomes.Output.REJECTED));
        assertEquals(List.of("part-00000", "part-00001"), fileNames(root.resolve("rejected/batch-3000")));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < large; i++) {
            expected.add("{\"r\":\"c" + i + "\"}");
        }
        expected.sort(String::compareTo);
        assertEquals(expected, lines(root.resolve("rejected/batch-3000")), "each line once");
        for (String file : fileNames(root.resolve("rejected/batch-3000"))) {
            long lines = Files.readAllLines(root.resolve("rejected/batch-3000").resolve(file)).size();
            assertTrue(lines > large / 4, file + " holds a fair share of the lines: " + lines);
        }
        // A small batch again: the one after it is one file.
        writer.write(records("d", 3), 4000, sc.hadoopConfiguration(), null);
        writer.write(records("e", 3, 4), 5000, sc.hadoopConfiguration(), null);
        assertEquals(List.of("part-00000"), fileNames(root.resolve("rejected/batch-5000")));
    }

    @Test
    void theCoalescerDealsEachOutputsPartitionsOverTheTasks() {
        // A union laid out output by output, like a batch's: ward state partitions 0-1, then slices 2-5.
        JavaRDD<Integer> union = sc.parallelize(List.of(0, 1), 2).union(sc.parallelize(List.of(2, 3, 4, 5), 4));
        org.apache.spark.rdd.PartitionGroup[] groups = new RoundRobinCoalescer().coalesce(2, union.rdd());
        assertEquals(2, groups.length);
        List<Integer> first = new ArrayList<>();
        scala.jdk.javaapi.CollectionConverters.asJava(groups[0].partitions()).forEach(p -> first.add(p.index()));
        assertEquals(List.of(0, 2, 4), first, "one of the first output's two partitions, two of the second's four");
        assertEquals(1, new RoundRobinCoalescer().coalesce(4, sc.parallelize(List.of(1), 1).rdd()).length,
                "never more tasks than partitions");
    }

    @Test
    void aFailedAttemptLeavesNoFileAndTheSecondAttemptOneFile() throws Exception {
        Path root = temp.resolve("attempts");
        BatchOutputWriter writer = new BatchOutputWriter(root.toString(), null, null, 1);
        // The only write task fails after writing half its lines on its first attempt; Spark runs it again.
        JavaRDD<OutputRecord> flaky = records("x", 6).coalesce(1).mapPartitions(BatchOutputWriterTest::dieOnFirstTry);
        BatchOutputWriter.Written written = writer.write(flaky, 3000, sc.hadoopConfiguration(), null);
        assertEquals(6, written.count(BatchOutcomes.Output.REJECTED));
        try (Stream<Path> files = Files.list(root.resolve("rejected/batch-3000"))) {
            assertEquals(List.of("part-00000"), files.map(p -> p.getFileName().toString()).toList(),
                    "one file: the failed attempt's half-written file never becomes visible");
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add("{\"r\":\"x" + i + "\"}");
        }
        assertEquals(expected, lines(root.resolve("rejected/batch-3000")), "each line once");
    }

    /** The partition's records; on a task's first attempt, an iterator that fails half-way through. */
    private static java.util.Iterator<OutputRecord> dieOnFirstTry(java.util.Iterator<OutputRecord> it) {
        List<OutputRecord> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        if (TaskContext.get().attemptNumber() > 0) {
            return all.iterator();
        }
        return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public OutputRecord next() {
                if (next == all.size() / 2) {
                    throw new IllegalStateException("first attempt dies mid-write");
                }
                return all.get(next++);
            }
        };
    }

    @Test
    void everyFolderAndFileItWritesIsOwnerOnlyAndAnExistingRootIsNarrowed() throws Exception {
        Path root = temp.resolve("private");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(null, BatchOutputWriter.ownerOnlyRoot(root.toString(), sc.hadoopConfiguration()));
        Path archive = temp.resolve("private-archive");
        BatchOutputWriter writer = new BatchOutputWriter(root.toString(), archive.toString(), ".gz", 2);
        JavaRDD<OutputRecord> records = records("p", 4).union(sc.parallelize(List.of(
                OutputRecord.bytes(BatchOutcomes.Output.ARCHIVE, new byte[] {1, 2, 3}, 1))));
        writer.write(records, 4000, sc.hadoopConfiguration(), null);
        assertTrue(TestFiles.assertOwnerOnly(root) >= 2);
        assertTrue(TestFiles.assertOwnerOnly(archive) >= 1);
        assertFalse(Files.exists(root.resolve("rejected/batch-4000/.part-00000.crc")), "no checksum side files");
    }
}

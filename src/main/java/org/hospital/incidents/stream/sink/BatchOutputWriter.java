package org.hospital.incidents.stream.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.hospital.incidents.support.HadoopConfs;
import org.hospital.incidents.support.OwnerOnly;
import org.hospital.incidents.archive.ArchiveLayout;
import org.hospital.incidents.stream.ui.BatchDigest;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Writes every output of one batch in a single Spark job: {@code <root>/<folder>/batch-<batchTimeMillis>/
 * <prefix>-NNNNN}, one JSON object per line, UTF-8, {@code \n} after each line (the bytes
 * {@code saveAsTextFile} wrote before), idempotently.
 *
 * <p>Why one job: each Spark job costs tens of milliseconds of scheduling on the driver whatever its size; with a
 * job (or two: count, then save) per output, a batch of 100 reports took 0.3-1.0 s. Here the records of
 * all outputs arrive as one RDD of {@link OutputRecord}s, and each write task sorts them into one file per
 * output as it reads them.
 *
 * <p>Commit protocol (a small version of Hadoop's file output committer): each task attempt writes into a job
 * folder {@code <root>/_tmp/batch-<millis>-<uuid>/}, in files named by output and attempt id, and reports them in
 * its result. Only results of successful attempts reach the driver, which then moves exactly those files into the
 * batch folders, replacing the files of this output's prefix that a previous run of the same batch left there:
 * a batch that Spark re-runs after recovery rewrites its folder instead of adding a second copy (DESIGN.md
 * "Outputs"). A folder is created only for an output that has lines in the batch. Works on any Hadoop file
 * system URI (local path, {@code file://}, {@code hdfs://}).
 */
public final class BatchOutputWriter implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Most console lines kept per output and batch; the driver prints at most this many. */
    public static final int MAX_CONSOLE_LINES = 51;

    private static final BatchOutcomes.Output[] OUTPUTS = BatchOutcomes.Output.values();

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");


    /**
     * Records (lines and counted reports, every output together) in a batch from which the next batch is written by
     * {@code writeTasks} tasks instead of one: about where one task's share of the JSON and the last stage's work
     * starts to cost more than a second task's scheduling (docs/PERFORMANCE.md, "The batch's critical path,
     * shortened").
     */
    static final long PARALLEL_WRITE_RECORDS = 10_000;

    private static final ClassTag<OutputRecord> OUTPUT_RECORD = ClassTag$.MODULE$.apply(OutputRecord.class);

    private final String root;
    private final String archiveRoot;
    private final String archiveExtension;
    private final int writeTasks;
    /** Records of the last batch written, read on the driver only; 0 after a recovery (one task, then as usual). */
    private transient volatile long lastBatchRecords;

    /**
     * @param root output root, local path or Hadoop URI (the {@code --output} option)
     * @param archiveRoot archive root ({@code --archive}), or null when the archive is off
     * @param archiveExtension file extension of the archive's codec, e.g. {@code .gz} (null without archive)
     * @param writeTasks most tasks (and so files per output and batch) that write a batch: used after a batch of
     *     {@link #PARALLEL_WRITE_RECORDS} records or more; a smaller batch is followed by one task, one file per
     *     output, which suits the small outputs of a live feed (HDFS dislikes thousands of tiny files)
     */
    public BatchOutputWriter(String root, String archiveRoot, String archiveExtension, int writeTasks) {
        if (writeTasks < 1) {
            throw new IllegalArgumentException("writeTasks must be >= 1: " + writeTasks);
        }
        this.root = root;
        this.archiveRoot = archiveRoot;
        this.archiveExtension = archiveExtension == null ? "" : archiveExtension;
        this.writeTasks = writeTasks;
    }

    /**
     * Writes the batch. Runs one Spark job; call on the driver, inside {@code foreachRDD}.
     *
     * @param records the batch's lines and counts, any outputs mixed
     * @param batchTimeMillis batch time, epoch millis
     * @param hadoopConf the Spark context's Hadoop configuration
     * @return records per output, and the console lines of the outputs that have them
     * @throws IOException when the file system refuses a step; the caller lets the batch fail
     */
    public Written write(JavaRDD<OutputRecord> records, long batchTimeMillis, Configuration hadoopConf)
            throws IOException {
        return write(records, batchTimeMillis, hadoopConf, null);
    }

    /**
     * Writes every output of one batch, and adds the write tasks' counts to the UI's named accumulators.
     *
     * @param records the batch's lines and counts, any outputs mixed
     * @param batchTimeMillis batch time, epoch millis
     * @param hadoopConf the Spark context's Hadoop configuration
     * @param counters the accumulators of this Spark context ({@link IncidentCounters#get}), or null
     * @return records per output, and the console lines of the outputs that have them
     * @throws IOException when the file system refuses a step; the caller lets the batch fail
     */
    public Written write(JavaRDD<OutputRecord> records, long batchTimeMillis, Configuration hadoopConf,
            IncidentCounters counters) throws IOException {
        String job = "batch-" + batchTimeMillis + "-" + UUID.randomUUID();
        Path jobDir = new Path(new Path(root, "_tmp"), job);
        FileSystem fs = fileSystem(jobDir, hadoopConf);
        // Made here so the tasks need not create folders; they take their Hadoop configuration from their own
        // Spark environment rather than from the closure (HadoopConfs#forThisApplication).
        mkdirs(fs, jobDir);
        Path archiveJobDir = archiveRoot == null ? null : new Path(new Path(archiveRoot, "_tmp"), job);
        FileSystem archiveFs = archiveJobDir == null ? null : fileSystem(archiveJobDir, hadoopConf);
        if (archiveJobDir != null) {
            mkdirs(archiveFs, archiveJobDir);
        }
        String jobDirName = jobDir.toString();
        String archiveJobDirName = archiveJobDir == null ? null : archiveJobDir.toString();
        // One task (one file per output) for the small batches of a live feed, which HDFS would otherwise fill with
        // tiny files; every task when the batch before was large (a backlog), so the write uses every core.
        int taskCount = lastBatchRecords >= PARALLEL_WRITE_RECORDS ? writeTasks : 1;
        JavaRDD<OutputRecord> input = records.getNumPartitions() <= taskCount ? records
                : JavaRDD.fromRDD(records.rdd().coalesce(taskCount, false,
                        Option.apply(new RoundRobinCoalescer()), null), OUTPUT_RECORD);
        List<TaskFiles> tasks = input.mapPartitionsWithIndex((index, it) -> {
            TaskFiles files = writePartition(index, it, jobDirName, archiveJobDirName);
            if (counters != null) {
                counters.add(files.counts);
            }
            return List.of(files).iterator();
        }, false).collect();

        long[] counts = new long[OUTPUTS.length];
        BatchDigest digest = new BatchDigest();
        long mergeStarted = System.nanoTime();
        for (TaskFiles task : tasks) {
            digest.merge(task.digest);
        }
        digest.mergeNanos(System.nanoTime() - mergeStarted);
        List<List<String>> console = new ArrayList<>();
        for (int i = 0; i < OUTPUTS.length; i++) {
            console.add(new ArrayList<>());
        }
        for (TaskFiles task : tasks) {
            for (int i = 0; i < OUTPUTS.length; i++) {
                counts[i] += task.counts[i];
                for (String line : task.console[i]) {
                    if (console.get(i).size() < MAX_CONSOLE_LINES) {
                        console.get(i).add(line);
                    }
                }
            }
        }
        for (BatchOutcomes.Output output : OUTPUTS) {
            if (output.folder() != null && counts[output.ordinal()] > 0) {
                boolean archive = output == BatchOutcomes.Output.ARCHIVE;
                commit(archive ? archiveFs : fs, output, batchTimeMillis, tasks);
            }
        }
        fs.delete(jobDir, true);
        if (archiveJobDir != null) {
            archiveFs.delete(archiveJobDir, true);
        }
        lastBatchRecords = Arrays.stream(counts).sum();
        return new Written(counts, console, digest);
    }

    private void commit(FileSystem fs, BatchOutcomes.Output output, long batchTimeMillis, List<TaskFiles> tasks)
            throws IOException {
        boolean archive = output == BatchOutcomes.Output.ARCHIVE;
        if (archive && archiveRoot == null) {
            throw new IllegalStateException("archive entries but no archive root");
        }
        Path target = archive ? archiveFolder(batchTimeMillis) : batchFolder(output.folder(), batchTimeMillis);
        String suffix = archive ? archiveExtension : "";
        mkdirs(fs, target);
        // Exactly this writer's names: "part-00000" must not match "part-critical-00000" in the alerts folder.
        Pattern mine = Pattern.compile(Pattern.quote(output.partPrefix()) + "-\\d{5}" + Pattern.quote(suffix));
        for (FileStatus old : fs.listStatus(target, path -> mine.matcher(path.getName()).matches())) {
            fs.delete(old.getPath(), false);
        }
        for (TaskFiles task : tasks) {
            String file = task.files[output.ordinal()];
            if (file != null) {
                Path destination = new Path(target, String.format("%s-%05d%s", output.partPrefix(), task.index,
                        suffix));
                if (!fs.rename(new Path(file), destination)) {
                    throw new IOException("could not move " + file + " to " + destination);
                }
            }
        }
    }

    /** Runs in a task: one file per output that has lines, named by the task attempt. */
    private static TaskFiles writePartition(int index, Iterator<OutputRecord> records, String jobDir,
            String archiveJobDir) throws IOException {
        TaskFiles result = new TaskFiles(index);
        OutputStream[] streams = new OutputStream[OUTPUTS.length];
        long attempt = TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId();
        try {
            while (records.hasNext()) {
                OutputRecord record = records.next();
                int i = record.output().ordinal();
                result.counts[i] += record.count();
                if (record.line() == null && record.bytes() == null) {
                    continue;
                }
                if (streams[i] == null) {
                    boolean archive = record.output() == BatchOutcomes.Output.ARCHIVE;
                    Path dir = new Path(archive ? archiveJobDir : jobDir);
                    FileSystem fs = fileSystem(dir, HadoopConfs.forThisApplication());
                    Path file = new Path(dir, record.output().name() + "-task-" + index + "-" + attempt);
                    streams[i] = new BufferedOutputStream(createOwnerOnly(fs, file), 1 << 16);
                    result.files[i] = file.toString();
                }
                if (record.bytes() != null) {
                    streams[i].write(record.bytes());
                } else {
                    streams[i].write(record.line().getBytes(StandardCharsets.UTF_8));
                    streams[i].write('\n');
                }
                if (record.figure() != null) {
                    result.digest.add(record.line(), record.figure());
                }
                if (record.console() != null && result.console[i].length < MAX_CONSOLE_LINES) {
                    String[] grown = Arrays.copyOf(result.console[i], result.console[i].length + 1);
                    grown[grown.length - 1] = record.console();
                    result.console[i] = grown;
                }
            }
        } finally {
            IOException failure = null;
            for (OutputStream stream : streams) {
                if (stream != null) {
                    try {
                        stream.close();
                    } catch (IOException e) {
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        result.digest.compact();
        return result;
    }

    /**
     * The file system to write {@code path} with. On local disk that is Hadoop's raw local file system: the default
     * one (checksummed) writes a {@code .crc} file beside each file and, without Hadoop's native library, forks a
     * {@code chmod} process for each file and folder it creates with a permission; a JFR recording at 100 reports/s
     * found about ten such forks per batch in the output write, on the batch's critical path.
     *
     * @param path a path
     * @param conf Hadoop configuration
     * @return its file system, the raw one for {@code file:}
     * @throws IOException when the file system cannot be created
     */
    public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /**
     * Creates a new file readable and writable by its owner only (docs/DESIGN.md "Privacy and hostile input": 0600).
     * On local disk with {@code java.nio}, the mode given to open(2): Hadoop's local file system would fork a
     * {@code chmod} per file (see {@link #fileSystem}). Elsewhere (HDFS) by the configuration's umask
     * ({@link HadoopConfs#OWNER_ONLY_UMASK}), which this overload applies on the NameNode at creation.
     *
     * @param fs from {@link #fileSystem}
     * @param file a file that does not exist yet
     * @return its stream
     * @throws IOException when it exists or cannot be created
     */
    public static OutputStream createOwnerOnly(FileSystem fs, Path file) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            return Files.newOutputStream(Files.createFile(local.pathToFile(file).toPath(),
                    PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)));
        }
        return fs.create(file, false, 1 << 16, fs.getDefaultReplication(file), fs.getDefaultBlockSize(file), null);
    }

    /**
     * Like {@link #createOwnerOnly}, replacing a file that exists (an analytics report written again).
     *
     * @param fs from {@link #fileSystem}
     * @param file a file
     * @return its stream
     * @throws IOException when it cannot be written
     */
    public static OutputStream replaceOwnerOnly(FileSystem fs, Path file) throws IOException {
        if (fs.exists(file)) {
            fs.delete(file, false);
        }
        return createOwnerOnly(fs, file);
    }

    /**
     * Creates a folder and its parents, owner-only (0700; docs/DESIGN.md "Privacy and hostile input"). On local
     * disk with {@code java.nio}: Hadoop's local file system forks a {@code chmod} for each folder it makes (see
     * {@link #fileSystem}).
     *
     * @param fs from {@link #fileSystem}
     * @param folder the folder
     * @throws IOException when it cannot be created
     */
    public static void mkdirs(FileSystem fs, Path folder) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            Files.createDirectories(local.pathToFile(folder).toPath(),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else if (!fs.mkdirs(folder, new FsPermission((short) 0700))) {
            throw new IOException("could not create folder " + folder);
        }
    }

    /**
     * Makes a root folder the job or a tool writes under owner-only: created 0700 when missing, and set to 0700 when
     * it exists with a wider mode (a folder made by an earlier build). Never fails the caller for a folder it does
     * not own: the folders and files made inside it are owner-only all the same.
     *
     * @param root a root URI (output, checkpoint, archive, analytics output)
     * @param conf Hadoop configuration
     * @return null, or why the mode of an existing root could not be narrowed
     * @throws IOException when the root cannot be created
     */
    public static String ownerOnlyRoot(String root, Configuration conf) throws IOException {
        Path path = new Path(root);
        FileSystem fs = fileSystem(path, conf);
        if (!fs.exists(path)) {
            mkdirs(fs, path);
            return null;
        }
        FsPermission mode = fs.getFileStatus(path).getPermission();
        if (mode.toShort() != 0700) {
            try {
                fs.setPermission(path, new FsPermission((short) 0700));
            } catch (IOException e) {
                return root + " is " + mode + " and cannot be made owner-only: " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Makes sure the archive root can be written: creates it (owner-only) and a probe file in it, then deletes the
     * probe. Called at start-up, so a bad {@code --archive} fails the start instead of the first batch.
     *
     * @param archiveRoot the archive root URI
     * @param conf Hadoop configuration
     * @throws IOException with the file system's reason when it cannot be written
     */
    public static void checkWritable(String archiveRoot, Configuration conf) throws IOException {
        Path rootPath = new Path(archiveRoot);
        FileSystem fs = fileSystem(rootPath, conf);
        mkdirs(fs, rootPath);
        Path probe = new Path(rootPath, "_write-probe-" + UUID.randomUUID());
        createOwnerOnly(fs, probe).close();
        fs.delete(probe, false);
    }

    /**
     * @param batchTimeMillis batch time, epoch millis
     * @return {@code <archive>/date=<UTC date of the batch time>/batch-<batchTimeMillis>}
     */
    public Path archiveFolder(long batchTimeMillis) {
        return ArchiveLayout.batchFolder(archiveRoot.toString(), batchTimeMillis);
    }

    /**
     * @param name output name
     * @param batchTimeMillis batch time, epoch millis
     * @return {@code <root>/<name>/batch-<batchTimeMillis>}
     */
    public Path batchFolder(String name, long batchTimeMillis) {
        return new Path(new Path(root, name), "batch-" + batchTimeMillis);
    }

    /**
     * What one batch wrote.
     *
     * @param counts records per output, indexed by {@link BatchOutcomes.Output#ordinal()}
     * @param console console lines per output (same index), at most {@link #MAX_CONSOLE_LINES} each
     * @param digest what the batch's lines tell the Incidents tab, gathered by the write tasks
     */
    public record Written(long[] counts, List<List<String>> console, BatchDigest digest) {

        /**
         * @param output an output
         * @return its records in the batch
         */
        public long count(BatchOutcomes.Output output) {
            return counts[output.ordinal()];
        }

        /**
         * @param output an output
         * @return its console lines in the batch
         */
        public List<String> console(BatchOutcomes.Output output) {
            return console.get(output.ordinal());
        }
    }

    /**
     * A write task's result (sent to the driver with Spark's serializer, hence Kryo-friendly arrays): the file it
     * wrote per output (null for none), counts per output and console lines per output.
     */
    static final class TaskFiles implements Serializable {

        private static final long serialVersionUID = 1L;

        private final int index;
        private final String[] files = new String[OUTPUTS.length];
        private final long[] counts = new long[OUTPUTS.length];
        private final String[][] console = new String[OUTPUTS.length][0];
        private final BatchDigest digest = new BatchDigest();

        TaskFiles(int index) {
            this.index = index;
        }
    }
}

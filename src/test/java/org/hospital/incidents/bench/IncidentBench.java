package org.hospital.incidents.bench;

import org.hospital.incidents.pipeline.batch.BatchSlice;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.hospital.incidents.stream.source.Utf8Lines;
import org.hospital.incidents.pipeline.batch.BucketLines;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.pipeline.LedgerUpdate;
import org.hospital.incidents.pipeline.StateSeed;
import org.hospital.incidents.parse.IncidentParser;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.hospital.incidents.testing.TestKeys;

/**
 * {@code bin/incident-bench}: measures the streaming job on this machine, side by side in one run (DESIGN.md
 * "Benchmark"), and prints a Markdown table that {@code docs/PERFORMANCE.md} keeps.
 *
 * <ol>
 *   <li><b>hand-loop limit</b>: UTF-8 decode + the job's own parser + a per-ward count in a plain Java loop on
 *       one core, over the same generated reports;
 *   <li><b>DStream throughput</b>: the real application jar through {@code bin/incident-stream} (Spark's own
 *       SparkSubmit, {@code local[2]}) reading a Kafka backlog with backpressure off and the rate capped at each
 *       offered rate in turn ({@code spark.streaming.kafka.maxRatePerPartition}); per batch, records and
 *       processing time come from Spark's monitoring REST API (the Streaming tab's own numbers). Records per
 *       second of processing time = sum of records / sum of processing times; an offered rate is sustained when
 *       the mean processing time stays under the 1 s batch interval;
 *   <li><b>Structured Streaming twin</b> ({@link StructuredTwin}): the same parse and per-ward running counts
 *       written with Structured Streaming, same backlog, same batch size, same {@code local[2]};
 *   <li><b>CRITICAL alert latency</b>: reports produced at a steady rate, each with its Kafka record timestamp
 *       set at send time; latency = end of the batch's output write (REST API, output operation 0) minus that
 *       timestamp, for every CRITICAL alert in the output folder;
 *   <li><b>recovery time</b>: the latency run's driver is SIGKILLed while reports keep arriving, restarted on
 *       the same checkpoint; time from the restart to the first completed batch.
 * </ol>
 * The Kafka broker is a separate process ({@code bin/kafka-local}, KRaft) on free ports in a temp folder.
 * Exit status: 0 when every part ran, 1 when one failed, 2 on bad options.
 */
@Command(name = "incident-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark the streaming job: throughput, Structured Streaming twin, alert latency, recovery.")
public final class IncidentBench implements Callable<Integer> {

    @Option(names = "--records", paramLabel = "N", description = "Reports in the Kafka backlog (default 2000000).")
    int records = 2_000_000;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the bench topics (default 4).")
    int partitions = 4;

    @Option(names = "--rates", paramLabel = "R1,R2", split = ",",
            description = "Offered rates, reports/s, for the throughput runs (default 50000,100000,150000,200000,"
                    + "250000,300000).")
    List<Integer> rates = List.of(50_000, 100_000, 150_000, 200_000, 250_000, 300_000);

    @Option(names = "--batches", paramLabel = "N", description = "Measured batches per throughput run (default 5).")
    int batches = 5;

    @Option(names = "--warmup-batches", paramLabel = "N", description = "Batches skipped per run (default 2).")
    int warmup = 2;

    @Option(names = "--latency-rate", paramLabel = "R", description = "Reports/s of the latency run (default 2000).")
    int latencyRate = 2000;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "Length of the latency run (default 30).")
    int latencySeconds = 30;

    @Option(names = "--latency-warmup-seconds", paramLabel = "S",
            description = "Unmeasured seconds at the latency rate before the latency run (default 10).")
    int latencyWarmupSeconds = 10;

    @Option(names = "--steady-rate", paramLabel = "R",
            description = "Reports/s of the fixed-cost run (default 100).")
    int steadyRate = 100;

    @Option(names = "--steady-seconds", paramLabel = "S", description = "Length of the fixed-cost run (default 30).")
    int steadySeconds = 30;

    @Option(names = "--steady-warmup-seconds", paramLabel = "S",
            description = "Unmeasured seconds at the steady rate before the fixed-cost run (default 60).")
    int steadyWarmupSeconds = 60;

    @Option(names = "--ledger-entries", paramLabel = "N",
            description = "eventIds in the incident ledger of the ledger part (default 6000000: 10 reports/s over "
                    + "the 168 h horizon).")
    int ledgerEntries = 6_000_000;

    @Option(names = "--parts", paramLabel = "P1,P2", split = ",",
            description = "Parts to run: hand, ledger, dstream, structured, steady, latency, recovery (default all).")
    List<String> parts = List.of(PARTS);

    @Option(names = "--alerts-topic", description = "Every job also publishes its alerts to Kafka (alerts-topic, one "
            + "transaction a batch): what the transactions cost, against a run without.")
    boolean alertsTopic;

    @Option(names = "--variants", paramLabel = "V1,V2", split = ",",
            description = "Job variants of the dstream part: ledger-on, ledger-off, archive (default all).")
    List<String> variants = List.of(VARIANTS);

    @Option(names = "--job-opts", paramLabel = "JVM_OPTS",
            description = "Extra JVM options of the job's driver, e.g. -XX:StartFlightRecording=filename=job.jfr")
    String jobOpts = "";

    @Option(names = "--keep", description = "Keep the temp folder (job logs, outputs); always kept on a failure.")
    boolean keep;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table to FILE.")
    Path markdown;

    @Option(names = "--smoke", description = "A small, quick run (CI): it completes and prints the table; its "
            + "figures mean nothing.")
    boolean smoke;

    /** SURGE alerts the DStream backlog runs wrote: the corpus has no burst, so any is a false page. */
    private long backlogSurges;

    private static final String[] PARTS = {"hand", "ledger", "dstream", "structured", "steady", "latency",
        "recovery"};
    private static final String[] VARIANTS = {"ledger-on", "ledger-off", "archive"};

    private final List<String[]> rows = new ArrayList<>();
    private Path work;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(new CommandLine(new IncidentBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            records = 30_000;
            rates = List.of(5_000);
            batches = 2;
            warmup = 1;
            latencyRate = 200;
            latencySeconds = 8;
            latencyWarmupSeconds = 2;
            steadySeconds = 8;
            steadyWarmupSeconds = 2;
            ledgerEntries = 200_000;
        }
        for (String part : parts) {
            if (!List.of(PARTS).contains(part)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--parts: unknown part '" + part + "'");
            }
        }
        for (String variant : variants) {
            // A typo would otherwise run no job at all and print an empty table.
            if (!List.of(VARIANTS).contains(variant)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--variants: unknown variant '" + variant + "' (one of " + String.join(", ", VARIANTS) + ")");
            }
        }
        work = Files.createTempDirectory("incident-bench");
        int status = 0;
        try {
            if (parts.contains("hand")) {
                handLoop();
            }
            if (parts.contains("ledger")) {
                ledgerPart();
            }
            if (parts.stream().anyMatch(p -> !p.equals("hand") && !p.equals("ledger"))) {
                try (LocalKafka kafka = new LocalKafka()) {
                    status = runKafkaParts(kafka);
                }
            }
        } catch (Exception e) {
            keep = true;
            throw e;
        } finally {
            if (keep) {
                log("logs and data kept in %s", work);
            } else {
                TestFiles.deleteRecursively(work);
            }
        }
        String table = table();
        System.out.println(table);
        if (markdown != null) {
            Files.writeString(markdown, table, StandardCharsets.UTF_8);
        }
        return status;
    }

    private int runKafkaParts(LocalKafka kafka) throws Exception {
        double dstreamBest = 0;
        int dstreamBestRate = rates.get(rates.size() - 1);
        double ledgerBest = 0;
        int ledgerBestRate = rates.get(rates.size() - 1);
        if (parts.contains("dstream") || parts.contains("structured")) {
            kafka.createTopic("bench-backlog", partitions);
            long start = System.nanoTime();
            long produced = produceBacklog(kafka, "bench-backlog", records);
            log("backlog: %,d records in %.1f s", produced, (System.nanoTime() - start) / 1e9);
        }
        if (parts.contains("dstream")) {
            int sustained = 0;
            for (boolean dedup : List.of(true, false)) {
                if (!variants.contains(dedup ? "ledger-on" : "ledger-off")) {
                    continue;
                }
                String check = dedup ? "ledger on (default)" : "ledger off (dedup-horizon-hours=0)";
                int sustainedHere = 0;
                for (int rate : rates) {
                    RunStats stats = dstreamRun(kafka, rate, false, dedup);
                    row("DStream job, Kafka backlog, archive off, " + check + ", offered " + fmt(rate) + "/s",
                            fmt(stats.recordsPerSecond()) + " reports/s of processing time",
                            String.format(Locale.ROOT, "%d batches of %s: processing mean %d ms, max %d ms",
                                    stats.batches(), fmt(stats.meanRecords()), stats.meanMillis(), stats.maxMillis()));
                    // Each is compared with the Structured Streaming twin with or without its deduplication.
                    if (!dedup && stats.recordsPerSecond() > dstreamBest) {
                        dstreamBest = stats.recordsPerSecond();
                        dstreamBestRate = rate;
                    }
                    if (dedup && stats.recordsPerSecond() > ledgerBest) {
                        ledgerBest = stats.recordsPerSecond();
                        ledgerBestRate = rate;
                    }
                    if (stats.meanMillis() < 1000) {
                        sustainedHere = Math.max(sustainedHere, rate);
                    }
                    if (stats.meanMillis() > 2500) {
                        break;
                    }
                }
                row("highest offered rate with mean processing < 1 s batch interval, " + check, sustainedHere == 0
                        ? "none of " + rates : fmt(sustainedHere) + " reports/s", "offered rates tried: " + rates
                        + "; archive off");
                if (dedup) {
                    sustained = sustainedHere;
                }
            }
            row("SURGE alerts raised by the backlog runs above", fmt(backlogSurges), "the corpus is steady in event "
                    + "time (12 wards, each every 10 s: 6 per 60 s window, threshold 10): a backlog must page nobody");
            int archiveRate = sustained == 0 ? rates.get(0) : sustained;
            if (variants.contains("archive")) {
                RunStats archived = dstreamRun(kafka, archiveRate, true, true);
                row("DStream job, archive on (gzip), ledger on, offered " + fmt(archiveRate) + "/s",
                        fmt(archived.recordsPerSecond()) + " reports/s of processing time",
                        String.format(Locale.ROOT, "%d batches of %s: processing mean %d ms, max %d ms; every line "
                                + "rendered and compressed for the archive", archived.batches(),
                                fmt(archived.meanRecords()), archived.meanMillis(), archived.maxMillis()));
            }
        }
        if (parts.contains("structured")) {
            RunStats twin = structuredRun(kafka, dstreamBestRate, false);
            row("Structured Streaming twin, same backlog, " + fmt(dstreamBestRate) + " per trigger",
                    fmt(twin.recordsPerSecond()) + " reports/s of processing time",
                    String.format(Locale.ROOT, "%d triggers of %s: mean %d ms, max %d ms", twin.batches(),
                            fmt(twin.meanRecords()), twin.meanMillis(), twin.maxMillis()));
            if (dstreamBest > 0 && twin.recordsPerSecond() > 0) {
                row("DStream job (ledger off) / Structured Streaming twin", String.format(Locale.ROOT, "%.2f x",
                        dstreamBest / twin.recordsPerSecond()), "best DStream figure over the twin's");
            }
            RunStats deduplicated = structuredRun(kafka, ledgerBestRate, true);
            row("Structured Streaming twin with dropDuplicatesWithinWatermark(eventId), 168 h watermark, "
                    + fmt(ledgerBestRate) + " per trigger", fmt(deduplicated.recordsPerSecond())
                    + " reports/s of processing time", String.format(Locale.ROOT, "%d triggers of %s: mean %d ms, "
                    + "max %d ms", deduplicated.batches(), fmt(deduplicated.meanRecords()),
                    deduplicated.meanMillis(), deduplicated.maxMillis()));
            if (ledgerBest > 0 && deduplicated.recordsPerSecond() > 0) {
                row("DStream job (ledger on) / Structured Streaming twin with deduplication",
                        String.format(Locale.ROOT, "%.2f x", ledgerBest / deduplicated.recordsPerSecond()),
                        "best ledger-on figure over the twin's (the twin neither amends nor re-qualifies)");
            }
        }
        if (parts.contains("steady") || parts.contains("latency") || parts.contains("recovery")) {
            latencyAndRecovery(kafka);
        }
        return 0;
    }

    // ---- hand loop ------------------------------------------------------------------------------------------

    private void handLoop() {
        List<byte[]> lines = new ArrayList<>();
        for (String line : corpusChunk(7, smoke ? 20_000 : 200_000, CORPUS_START)) {
            lines.add(line.getBytes(StandardCharsets.UTF_8));
        }
        IncidentParser parser = new IncidentParser(TestKeys.pseudonymizer());
        double best = 0;
        long checksum = 0;
        for (int round = 0; round < (smoke ? 3 : 8); round++) {
            long start = System.nanoTime();
            Map<String, long[]> perWard = new HashMap<>();
            for (byte[] bytes : lines) {
                ParseResult result = parser.parse(Utf8Lines.decode(bytes, bytes.length, "bench"), 0L);
                if (result.isAccepted()) {
                    perWard.computeIfAbsent(result.incident().wardId(), w -> new long[1])[0]++;
                }
            }
            double perSecond = lines.size() / ((System.nanoTime() - start) / 1e9);
            best = Math.max(best, perSecond);
            checksum += perWard.values().stream().mapToLong(c -> c[0]).sum();
        }
        row("hand-loop limit (UTF-8 decode + parse + per-ward count, 1 core)", fmt(best) + " reports/s",
                "best of the rounds over " + fmt(lines.size()) + " reports (" + fmt(checksum) + " counted)");
    }

    // ---- The incident ledger's own cost per batch ---------------------------------------------------------------

    /**
     * The ledger's update of one batch with a full ledger, on one core: {@code --ledger-entries} eventIds in the
     * shipped 128 buckets, then batches of {@code --steady-rate} new reports, each bucket updated by
     * {@link LedgerUpdate} as {@code updateStateByKey} does (a bucket without reports keeps its version). The job's
     * steady run starts with an empty ledger, so its fixed cost per batch would not show a cost that grows with the
     * ledger; this part does.
     */
    private void ledgerPart() {
        int buckets = 128;
        long hour = 3_600_000L;
        LedgerUpdate update = new LedgerUpdate(new StateSeed(Map.of(), null, 168));
        LedgerShard[] shards = new LedgerShard[buckets];
        Arrays.fill(shards, LedgerShard.empty());
        long batchTime = 1_795_000_000_000L;
        // Filled as a backlog arrives: batches of 200,000 new reports (the DStream part's largest offered rate).
        int chunk = 200_000;
        int next = 0;
        int fillBatches = (ledgerEntries + chunk - 1) / chunk;
        long heapBefore = heapAfterFullGc();
        long fillStart = System.nanoTime();
        while (next < ledgerEntries) {
            int n = Math.min(chunk, ledgerEntries - next);
            ledgerBatch(update, shards, next, n, batchTime);
            next += n;
            // The fill spreads its reports over 160 h: none is forgotten yet.
            batchTime += 160 * hour / fillBatches;
        }
        long fillMillis = (System.nanoTime() - fillStart) / 1_000_000;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        int rounds = smoke ? 10 : 60;
        long[] millis = new long[rounds];
        long allocated = 0;
        for (int round = 0; round < rounds + 5; round++) {
            batchTime += 1_000;
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            ledgerBatch(update, shards, next, steadyRate, batchTime);
            long took = System.nanoTime() - start;
            next += steadyRate;
            if (round >= 5) {
                millis[round - 5] = took / 1_000;
                allocated += threads.getCurrentThreadAllocatedBytes() - bytes;
            }
        }
        Arrays.sort(millis);
        double mean = Arrays.stream(millis).average().orElse(0) / 1000.0;
        long size = Arrays.stream(shards).mapToLong(LedgerShard::size).sum();
        // What the operator plans memory for (docs/PERFORMANCE.md "The ledger's size"): the heap the full ledger
        // holds, its last undo logs included, over what the JVM held before it was filled.
        long heapPerEntry = (heapAfterFullGc() - heapBefore) / Math.max(1, size);
        row("incident ledger update per batch of " + fmt(steadyRate) + " new reports, ledger of " + fmt(size)
                + " eventIds (one core)", String.format(Locale.ROOT, "mean %.2f ms, %s MB allocated", mean,
                fmt(allocated / rounds / 1_000_000)), String.format(Locale.ROOT, "%d batches: median %.2f ms, max "
                + "%.2f ms; 128 buckets through LedgerUpdate as updateStateByKey runs them", rounds,
                millis[rounds / 2] / 1000.0, millis[rounds - 1] / 1000.0));
        row("incident ledger update per batch of " + fmt(chunk) + " new reports while it fills to " + fmt(size)
                + " eventIds (one core)", "mean " + fmt(fillMillis / fillBatches) + " ms", fillBatches
                + (fillBatches == 1 ? " batch" : " batches") + ", as a backlog's");
        row("incident ledger heap per eventId, ledger of " + fmt(size) + " eventIds", fmt(heapPerEntry) + " bytes",
                "heap used after a full GC, full ledger against empty; 36-char eventIds, 40 wards");
        checkpointRow(shards, size);
    }

    /**
     * What each state checkpoint of the full ledger costs the task that writes it, the disk aside: the 128 buckets
     * through the job's Kryo serializer (as Spark's RDD checkpoint writes them) into a stream that only counts.
     */
    private void checkpointRow(LedgerShard[] shards, long size) {
        org.apache.spark.serializer.SerializerInstance kryo = new org.apache.spark.serializer.KryoSerializer(
                org.hospital.incidents.stream.app.KryoClasses.configure(new org.apache.spark.SparkConf()))
                .newInstance();
        int rounds = smoke ? 1 : 5;
        long[] millis = new long[rounds];
        long bytes = 0;
        for (int round = 0; round < rounds + 1; round++) {
            org.apache.commons.io.output.CountingOutputStream counted = new org.apache.commons.io.output
                    .CountingOutputStream(org.apache.commons.io.output.NullOutputStream.INSTANCE);
            long start = System.nanoTime();
            org.apache.spark.serializer.SerializationStream out = kryo.serializeStream(counted);
            for (LedgerShard shard : shards) {
                out.writeObject(shard, scala.reflect.ClassTag$.MODULE$.apply(LedgerShard.class));
            }
            out.close();
            if (round > 0) {
                millis[round - 1] = (System.nanoTime() - start) / 1_000_000;
            }
            bytes = counted.getByteCount();
        }
        Arrays.sort(millis);
        row("incident ledger state checkpoint, ledger of " + fmt(size) + " eventIds (one core, disk aside)",
                "median " + fmt(millis[rounds / 2]) + " ms, " + fmt(bytes / Math.max(1, size)) + " bytes per eventId",
                rounds + " rounds after one unmeasured: the 128 buckets through the job's Kryo serializer into a "
                        + "counting stream");
    }

    /** @return heap bytes in use after a full collection (System.gc(): the bench runs with G1's defaults) */
    private static long heapAfterFullGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** One batch of {@code n} new eventIds ({@code E-<from>} on) through every ledger bucket. */
    private static void ledgerBatch(LedgerUpdate update, LedgerShard[] shards, int from, int n, long batchTime) {
        List<List<Candidate>> byBucket = new ArrayList<>();
        for (int b = 0; b < shards.length; b++) {
            byBucket.add(new ArrayList<>());
        }
        for (int i = from; i < from + n; i++) {
            String id = String.format(Locale.ROOT, "%08x-7c1e-4b7a-9d3f-%012d", i, i);
            byBucket.get(BatchSlice.bucket(id, shards.length)).add(new Candidate(id,
                    "W-" + (i % 40), HarmLevel.values()[i % 6], EventCategory.values()[i % 11], ReportType.INCIDENT,
                    batchTime - 60_000, Candidate.NO_TIME, null, Candidate.NO_TIME, 0, i - from));
        }
        for (int b = 0; b < shards.length; b++) {
            List<BucketLines> lines = byBucket.get(b).isEmpty() ? List.of()
                    : List.of(new BucketLines(batchTime, new ArrayList<>(byBucket.get(b))));
            shards[b] = update.call(lines, org.apache.spark.api.java.Optional.of(shards[b])).get();
        }
    }

    // ---- DStream runs -----------------------------------------------------------------------------------------

    /** Per-batch figures of one run, after the warm-up batches. */
    record RunStats(List<long[]> recordsAndMillis) {

        int batches() {
            return recordsAndMillis.size();
        }

        double recordsPerSecond() {
            long n = recordsAndMillis.stream().mapToLong(b -> b[0]).sum();
            long ms = recordsAndMillis.stream().mapToLong(b -> b[1]).sum();
            return ms == 0 ? 0 : n * 1000.0 / ms;
        }

        long meanMillis() {
            return batches() == 0 ? 0 : recordsAndMillis.stream().mapToLong(b -> b[1]).sum() / batches();
        }

        long maxMillis() {
            return recordsAndMillis.stream().mapToLong(b -> b[1]).max().orElse(0);
        }

        long meanRecords() {
            return batches() == 0 ? 0 : recordsAndMillis.stream().mapToLong(b -> b[0]).sum() / batches();
        }
    }

    private RunStats dstreamRun(LocalKafka kafka, int rate, boolean archive, boolean dedup) throws Exception {
        int uiPort = Scripts.freePort();
        Path dir = Files.createDirectories(work.resolve("dstream-" + rate + (archive ? "-archive" : "")
                + (dedup ? "" : "-nodedup")));
        Map<String, String> conf = new HashMap<>();
        if (!dedup) {
            conf.put("dedup-horizon-hours", "0");
        }
        conf.put("spark.ui.port", Integer.toString(uiPort));
        conf.put("spark.streaming.backpressure.enabled", "false");
        conf.put("spark.streaming.kafka.maxRatePerPartition", Integer.toString(Math.max(1, rate / partitions)));
        Process job = startJob(kafka, "bench-backlog", "bench-" + rate + "-" + System.nanoTime(), dir, conf, archive);
        SparkRest rest = new SparkRest(uiPort);
        try {
            List<SparkRest.Batch> done = awaitBatches(rest, job, warmup + batches, TimeUnit.MINUTES.toMillis(5));
            List<long[]> measured = new ArrayList<>();
            for (SparkRest.Batch b : done.subList(warmup, done.size())) {
                measured.add(new long[] {b.inputSize(), b.processingTime()});
            }
            log("offered %,d/s: %s", rate, measured.stream().map(b -> b[0] + " in " + b[1] + " ms")
                    .collect(Collectors.joining(", ")));
            return new RunStats(measured);
        } finally {
            stop(job);
            backlogSurges += surgeAlerts(dir.resolve("out"));
        }
    }

    /** @return the SURGE alerts a run wrote ({@code alerts/batch-*&#47;part-surge-*} lines) */
    private static long surgeAlerts(Path out) throws IOException {
        Path alerts = out.resolve("alerts");
        if (!Files.isDirectory(alerts)) {
            return 0;
        }
        long count = 0;
        try (var files = Files.walk(alerts)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-surge")).toList()) {
                try (var lines = Files.lines(file)) {
                    count += lines.count();
                }
            }
        }
        return count;
    }

    /**
     * Stops a job: SIGKILL, quick, unless a flight recording must be written on exit (SIGTERM: the queued batches
     * finish first).
     */
    private void stop(Process job) throws InterruptedException {
        if (jobOpts.contains("FlightRecording")) {
            job.destroy();
            if (job.waitFor(120, TimeUnit.SECONDS)) {
                return;
            }
        }
        job.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }

    private List<SparkRest.Batch> awaitBatches(SparkRest rest, Process job, int wanted, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!job.isAlive()) {
                throw new IllegalStateException("the job exited with status " + job.exitValue()
                        + "; see its log under " + work);
            }
            List<SparkRest.Batch> done = rest.batches().stream().filter(b -> b.completed() && b.inputSize() > 0)
                    .toList();
            if (done.size() >= wanted) {
                return done.subList(0, wanted);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("fewer than " + wanted + " batches with data completed in time");
    }

    private Process startJob(LocalKafka kafka, String topic, String group, Path dir, Map<String, String> conf,
            boolean archive) throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(Scripts.projectDir().resolve("config/application.properties"))) {
            props.load(in);
        }
        props.putAll(conf);
        if (alertsTopic) {
            props.put("alerts-topic", "bench-alerts-" + group);
        }
        Path confFile = dir.resolve("bench.properties");
        try (var out = Files.newBufferedWriter(confFile)) {
            props.store(out, "incident-bench: the shipped configuration plus the run's overrides");
        }
        ProcessBuilder builder = new ProcessBuilder(Scripts.projectDir().resolve("bin/incident-stream").toString(),
                "--kafka", kafka.bootstrap(), "--topics", topic, "--group-id", group,
                "--checkpoint", dir.resolve("checkpoint").toString(), "--output", dir.resolve("out").toString(),
                "--archive", archive ? dir.resolve("archive").toString() : "none", "--config", confFile.toString())
                .directory(Scripts.projectDir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("job.log").toFile()));
        // The UI port also as a JVM property: a driver recovering from a checkpoint reloads spark.ui.port from the
        // JVM's properties, not from the checkpointed configuration (Spark's Checkpoint.createSparkConf).
        builder.environment().put("INCIDENT_STREAM_JAVA_OPTS", ("-Dspark.ui.port=" + conf.get("spark.ui.port")
                + " " + jobOpts).trim());
        return builder.start();
    }

    // ---- Structured Streaming twin ------------------------------------------------------------------------------

    private RunStats structuredRun(LocalKafka kafka, int perTrigger, boolean dedup) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same module options and heap as the job's driver (bin/incident-stream).
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-XX:+IgnoreUnrecognized")
                    || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx2g", "-Dlog4j2.configurationFile="
                + Scripts.projectDir().resolve("config/log4j2.properties"), "-cp",
                System.getProperty("java.class.path"), StructuredTwin.class.getName(), kafka.bootstrap(),
                "bench-backlog", Integer.toString(perTrigger), Integer.toString(warmup + batches),
                work.resolve("structured-checkpoint" + (dedup ? "-dedup" : "")).toString(),
                Scripts.projectDir().resolve("config/application.properties").toString(), dedup ? "dedup" : "plain"));
        Path log = work.resolve("structured" + (dedup ? "-dedup" : "") + ".log");
        Process twin = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!twin.waitFor(10, TimeUnit.MINUTES)) {
            twin.destroyForcibly();
            throw new IllegalStateException("the Structured Streaming twin did not finish in 10 min");
        }
        List<long[]> all = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("PROGRESS ")) {
                String[] f = line.split(" ");
                all.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        if (twin.exitValue() != 0 || all.size() <= warmup) {
            throw new IllegalStateException("the Structured Streaming twin failed (status " + twin.exitValue()
                    + "): " + String.join("\n", tail(Files.readAllLines(log), 20)));
        }
        log("structured: %s", all.stream().map(b -> b[0] + " in " + b[1] + " ms").collect(Collectors.joining(", ")));
        return new RunStats(all.subList(warmup, all.size()));
    }

    // ---- latency and recovery -------------------------------------------------------------------------------

    private void latencyAndRecovery(LocalKafka kafka) throws Exception {
        String topic = "bench-live";
        kafka.createTopic(topic, partitions);
        Path dir = Files.createDirectories(work.resolve("live"));
        int uiPort = Scripts.freePort();
        Map<String, String> conf = Map.of("spark.ui.port", Integer.toString(uiPort));
        String group = "bench-live-" + System.nanoTime();
        Process job = startJob(kafka, topic, group, dir, conf, true);
        SparkRest rest = new SparkRest(uiPort);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, 0)) {
            awaitAnyBatch(rest, job);
            if (parts.contains("steady")) {
                steady(rest, producer, topic);
            }
            // The first seconds at a new rate run on code the JIT has not compiled yet: they warm up, unmeasured.
            Map<String, Long> warmupSent = new ConcurrentHashMap<>();
            Pacer warm = new Pacer(producer, topic, latencyRate, warmupSent);
            warm.start();
            Thread.sleep(TimeUnit.SECONDS.toMillis(latencyWarmupSeconds));
            warm.stop();
            long from = System.currentTimeMillis();
            Pacer steady = new Pacer(producer, topic, latencyRate, sentAt);
            steady.start();
            Thread.sleep(TimeUnit.SECONDS.toMillis(latencySeconds));
            steady.stop();
            if (parts.contains("latency")) {
                latency(rest, dir.resolve("out"), sentAt, from);
            }
            if (parts.contains("recovery")) {
                Pacer during = new Pacer(producer, topic, latencyRate, new ConcurrentHashMap<>());
                during.start();
                try {
                    Thread.sleep(3000);
                    job.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
                    long restart = System.currentTimeMillis();
                    job = startJob(kafka, topic, group, dir, conf, true);
                    long completed = awaitAnyBatch(new SparkRest(uiPort), job);
                    row("recovery after SIGKILL (restart to first completed batch)",
                            String.format(Locale.ROOT, "%.1f s", (completed - restart) / 1000.0),
                            "same local checkpoint, reports arriving at " + fmt(latencyRate) + "/s; includes the "
                                    + "driver JVM's start");
                } finally {
                    during.stop();
                }
            }
        } finally {
            job.destroy();
            if (!job.waitFor(90, TimeUnit.SECONDS)) {
                job.destroyForcibly();
            }
        }
    }

    /**
     * Fixed cost per batch: mean processing time at a low steady rate, every output of the shipped config on, after
     * {@code --steady-warmup-seconds} at that rate unmeasured. Why the warm-up: on two cores the JIT compiles for
     * the first minute of a job (docs/PERFORMANCE.md "Where the JIT's third goes"), and the batches of a job's first
     * 30 s took twice as long as those after a minute; the target is the cost of every batch of a job that runs for
     * days.
     */
    private void steady(SparkRest rest, KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        Pacer pacer = new Pacer(producer, topic, steadyRate, new ConcurrentHashMap<>());
        pacer.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(steadyWarmupSeconds));
        long from = System.currentTimeMillis() + 3000;
        Thread.sleep(TimeUnit.SECONDS.toMillis(steadySeconds));
        pacer.stop();
        long until = System.currentTimeMillis();
        // The batches of the window, once they have all completed: a slow machine may still be working through them
        // (a fixed pause here once measured nothing on a loaded CI machine).
        long deadline = until + TimeUnit.MINUTES.toMillis(2);
        List<SparkRest.Batch> window;
        do {
            Thread.sleep(1000);
            window = rest.batches().stream().filter(b -> b.batchTime() >= from && b.batchTime() < until).toList();
        } while ((window.isEmpty() || !window.stream().allMatch(SparkRest.Batch::completed))
                && System.currentTimeMillis() < deadline);
        List<SparkRest.Batch> measured = window.stream().filter(b -> b.completed() && b.inputSize() > 0).toList();
        long[] ms = measured.stream().mapToLong(SparkRest.Batch::processingTime).sorted().toArray();
        if (ms.length == 0) {
            throw new IllegalStateException("no batch with data completed during the steady run");
        }
        long mean = Arrays.stream(ms).sum() / ms.length;
        row("processing time per 1 s batch at " + fmt(steadyRate) + " reports/s", "mean " + mean + " ms",
                String.format(Locale.ROOT, "%d batches: median %d ms, max %d ms; shipped configuration, every "
                        + "output on (Spark's processing time: the batch's jobs, first to last), after %d s at that "
                        + "rate unmeasured", ms.length, ms[ms.length / 2], ms[ms.length - 1], steadyWarmupSeconds));
        com.google.gson.JsonObject tab = rest.incidentsStatus();
        if (tab == null) {
            throw new IllegalStateException("no Incidents tab at the steady run's driver (spark.plugins)");
        }
        row("Incidents tab: driver time per batch at " + fmt(steadyRate) + " reports/s",
                String.format(Locale.ROOT, "mean %.2f ms", tab.get("figuresMicrosMean").getAsLong() / 1000.0),
                String.format(Locale.ROOT, "max %.2f ms over the last 60 batches, %.2f ms since the job started "
                        + "(target: at most 10 ms); merging the write tasks' digests, the batch's event and applying "
                        + "it to the tab's figures", tab.get("figuresMicrosMaxLast60").getAsLong() / 1000.0,
                        tab.get("figuresMicrosMax").getAsLong() / 1000.0));
    }

    private void latency(SparkRest rest, Path out, Map<String, Long> sentAt, long from) throws Exception {
        Map<String, Long> alertBatch = new HashMap<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            alertBatch = criticalAlerts(out.resolve("alerts"));
            if (alertBatch.keySet().containsAll(sentAt.keySet())) {
                break;
            }
            Thread.sleep(500);
        }
        Map<Long, Long> writtenAt = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
            Long batch = alertBatch.get(sent.getKey());
            if (batch == null) {
                continue;
            }
            long end = writtenAt.computeIfAbsent(batch, b -> rest.outputOperationEnd(b, 0));
            if (end > 0) {
                latencies.add(end - sent.getValue());
            }
        }
        latencies.sort(null);
        if (latencies.isEmpty()) {
            throw new IllegalStateException("no CRITICAL alert of the latency run was found in " + out);
        }
        List<Long> processing = rest.batches().stream().filter(b -> b.completed() && b.batchTime() >= from)
                .map(SparkRest.Batch::processingTime).sorted().toList();
        row("CRITICAL alert latency at " + fmt(latencyRate) + " reports/s offered",
                "p50 " + percentile(latencies, 50) + " ms, p99 " + percentile(latencies, 99) + " ms, max "
                        + latencies.get(latencies.size() - 1) + " ms",
                latencies.size() + " of " + sentAt.size() + " alerts over " + latencySeconds + " s after "
                        + latencyWarmupSeconds + " s of warm-up; Kafka record timestamp to the end of the batch's "
                        + "output write; shipped configuration; batch processing times meanwhile: median "
                        + percentile(processing, 50) + " ms, p99 " + percentile(processing, 99) + " ms, max "
                        + processing.get(processing.size() - 1) + " ms, slowest " + slowest(rest, from));
    }

    /** @return the three slowest batches since {@code from}: processing time and what else ran then */
    private static String slowest(SparkRest rest, long from) {
        return rest.batches().stream().filter(b -> b.completed() && b.batchTime() >= from)
                .sorted((a, b) -> Long.compare(b.processingTime(), a.processingTime())).limit(3)
                .map(b -> b.processingTime() + " ms (batch " + Instant.ofEpochMilli(b.batchTime()) + ", scheduling "
                        + "delay " + b.schedulingDelay() + " ms)").collect(Collectors.joining(", "));
    }

    /** @return eventId to batch time of every CRITICAL alert written under {@code alerts} */
    private static Map<String, Long> criticalAlerts(Path alerts) throws IOException {
        Map<String, Long> found = new HashMap<>();
        if (!Files.isDirectory(alerts)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(alerts)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-critical-")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    var json = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
                    found.put(json.get("eventId").getAsString(), json.get("batchTime").getAsLong());
                }
            }
        }
        return found;
    }

    private long awaitAnyBatch(SparkRest rest, Process job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(3);
        while (System.currentTimeMillis() < deadline) {
            if (!job.isAlive()) {
                throw new IllegalStateException("the job exited with status " + job.exitValue());
            }
            long first = rest.batches().stream().filter(SparkRest.Batch::completed)
                    .mapToLong(b -> rest.batchEnd(b.batchTime())).filter(end -> end > 0).min().orElse(-1);
            if (first > 0) {
                return first;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no batch completed within 3 min");
    }

    /** Produces generated reports at a steady rate on its own thread, each stamped with its send time. */
    private final class Pacer {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final int rate;
        private final Map<String, Long> criticalSentAt;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final long firstSeed = System.nanoTime();
        private final AtomicLong seed = new AtomicLong(firstSeed);
        private Thread thread;

        Pacer(KafkaProducer<byte[], byte[]> producer, String topic, int rate, Map<String, Long> criticalSentAt) {
            this.producer = producer;
            this.topic = topic;
            this.rate = rate;
            this.criticalSentAt = criticalSentAt;
        }

        void start() {
            thread = new Thread(this::run, "bench-pacer");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
            producer.flush();
        }

        private void run() {
            List<String> lines = new ArrayList<>();
            int next = 0;
            long start = System.nanoTime();
            long sent = 0;
            while (running.get()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                for (; sent < due; sent++) {
                    if (next == lines.size()) {
                        long chunk = seed.incrementAndGet();
                        lines = corpusChunk(chunk, 10_000, chunkStart(chunk - firstSeed, 10_000));
                        next = 0;
                    }
                    String line = lines.get(next++);
                    long now = System.currentTimeMillis();
                    if (line.contains("\"harmLevel\":\"severe\"") || line.contains("\"harmLevel\":\"death\"")) {
                        String id = line.substring(line.indexOf("\"eventId\":\"") + 11);
                        criticalSentAt.put(id.substring(0, id.indexOf('"')), now);
                    }
                    producer.send(new ProducerRecord<>(topic, null, now, null, line.getBytes(StandardCharsets.UTF_8)));
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private long produceBacklog(LocalKafka kafka, String topic, long count) {
        long sent = 0;
        long seed = 1000;
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, 20)) {
            while (sent < count) {
                for (String line : corpusChunk(seed, (int) Math.min(100_000, count - sent),
                        chunkStart(seed++ - 1000, 100_000))) {
                    producer.send(new ProducerRecord<>(topic, line.getBytes(StandardCharsets.UTF_8)));
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka, int lingerMillis) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMillis);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The benchmark corpus's event-time rate: 12 wards taking turns, each reporting every 10 s (6 per 60 s window,
     * below the shipped surge threshold of 10), so a backlog raises no SURGE (docs/DESIGN.md "Surges in event time").
     */
    static final double EVENT_RATE = 1.2;

    /** First occurredAt of the benchmark corpora: their event time runs on from here, in the past. */
    static final Instant CORPUS_START = Instant.parse("2026-06-01T00:00:00Z");

    /**
     * @param seed generator seed (event ids are unique per seed)
     * @param lines about how many lines
     * @param first the chunk's first occurredAt (chunks of one corpus follow one another in event time)
     * @return generated reports, steady in event time, a few malformed and blank lines among them, as the job sees
     *     in production
     */
    static List<String> corpusChunk(long seed, int lines, Instant first) {
        int seconds = (int) Math.max(1, Math.round(lines / EVENT_RATE));
        List<String> all = CorpusGenerator.steady(seed, 12, seconds, EVENT_RATE, first).lines();
        return all.size() > lines ? all.subList(0, lines) : all;
    }

    /**
     * @param chunkIndex 0, 1, 2... within one corpus
     * @param lines lines per chunk
     * @return the chunk's first occurredAt, so that chunks follow one another in event time
     */
    static Instant chunkStart(long chunkIndex, int lines) {
        return CORPUS_START.plusSeconds(chunkIndex * Math.round(lines / EVENT_RATE));
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private void row(String measure, String value, String how) {
        rows.add(new String[] {measure, value, how});
        log("%s: %s (%s)", measure, value, how);
    }

    private String table() throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("## incident-bench, ").append(LocalDate.now(ZoneOffset.UTC)).append(smoke ? " (smoke run)" : "")
                .append("\n\n");
        out.append("Machine: ").append(machine()).append("; Java ").append(System.getProperty("java.version"))
                .append(", Spark ").append(org.apache.spark.package$.MODULE$.SPARK_VERSION())
                .append(" (Scala 2.13, local[2]), Kafka ").append(AppInfoParser.getVersion())
                .append(" (KRaft, same machine)")
                .append("; backlog ").append(fmt(records)).append(" reports in ").append(partitions)
                .append(" partitions")
                .append(alertsTopic ? "; every job publishes its alerts to Kafka, one transaction a batch" : "")
                .append(".\n\n");
        out.append("| measure | result | how |\n|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
        }
        return out.toString();
    }

    private static String machine() throws IOException {
        String cpu = "";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        }
        long memGiB = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            memGiB = Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024).orElse(0L);
        }
        return Runtime.getRuntime().availableProcessors() + " cores" + (cpu.isEmpty() ? "" : " (" + cpu + ")") + ", "
                + memGiB + " GiB";
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static void log(String format, Object... args) {
        System.err.println("incident-bench: " + String.format(Locale.ROOT, format, args));
    }
}

package org.hospital.incidents.stream.restart;

import org.hospital.incidents.ledger.LedgerSeedFolder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.spark.api.java.JavaSparkContext;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.archive.ArchivedReport;
import org.hospital.incidents.ledger.LedgerRule;
import scala.Tuple2;
import org.hospital.incidents.stream.sink.BatchOutcomes;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.hospital.incidents.stream.sink.JsonCodec;
import org.hospital.incidents.archive.ArchiveLayout;

/**
 * Reads where a new checkpoint's state starts (DESIGN.md "Restarts and upgrades"): each ward's latest
 * {@code ward-totals} line under {@code --output}, and the incident ledger from the archive's entries within the
 * horizon.
 * Both are read by small Spark batch jobs on the new context before its stream starts, so a long history is read in
 * parallel, from local disk or HDFS alike.
 */
public final class StateSeeds {

    private StateSeeds() {
    }

    /**
     * Each ward's running totals from its {@code ward-totals} line with the largest {@code batchTime} (docs/DESIGN.md's
     * rule for the latest view of a ward).
     *
     * @param sc the new context's Spark context
     * @param output the {@code --output} root
     * @return ward id to its totals (unchanged); empty when there is no {@code ward-totals} output yet
     * @throws IOException when the output cannot be listed
     * @throws IllegalStateException naming the file's batch when a line is not a ward-totals record
     */
    public static Map<String, WardState> latestWardTotals(JavaSparkContext sc, String output) throws IOException {
        Map<String, WardState> wards = new HashMap<>();
        latestWardTotalLines(sc, output).forEach((ward, line) -> wards.put(ward, wardState(line)));
        return wards;
    }

    /**
     * Each ward's latest {@code ward-totals} line under the output root, as written: the one with the largest
     * {@code batchTime}. One Spark job over the output's {@code ward-totals} parts.
     *
     * @param sc the Spark context
     * @param output the {@code --output} root
     * @return ward id to its latest line; empty when there is no {@code ward-totals} output yet
     * @throws IOException when the output cannot be listed
     */
    public static Map<String, String> latestWardTotalLines(JavaSparkContext sc, String output) throws IOException {
        String glob = output + "/" + BatchOutcomes.Output.WARD_TOTALS.folder() + "/batch-*/"
                + BatchOutcomes.Output.WARD_TOTALS.partPrefix() + "-*";
        if (!matchesAny(glob, sc.hadoopConfiguration())) {
            return Map.of();
        }
        // Each line is parsed once here, keyed by ward with its batch time; the reduce compares numbers.
        List<Tuple2<String, Tuple2<Long, String>>> latest = sc.textFile(glob)
                .filter(line -> !line.isBlank())
                .mapToPair(line -> {
                    JsonObject json = JsonParser.parseString(line).getAsJsonObject();
                    return new Tuple2<>(json.get("wardId").getAsString(),
                            new Tuple2<>(json.get("batchTime").getAsLong(), line));
                })
                .reduceByKey((a, b) -> a._1() >= b._1() ? a : b)
                .collect();
        Map<String, String> lines = new HashMap<>();
        for (Tuple2<String, Tuple2<Long, String>> ward : latest) {
            lines.put(ward._1(), ward._2()._2());
        }
        return lines;
    }

    /**
     * @param line a {@code ward-totals} line ({@link JsonCodec#wardTotal})
     * @return its counts as a state, unchanged
     */
    static WardState wardState(String line) {
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        long[] harm = new long[HarmLevel.values().length];
        for (Map.Entry<String, JsonElement> entry : json.getAsJsonObject("byHarmLevel").entrySet()) {
            HarmLevel level = HarmLevel.fromCode(entry.getKey()).orElseThrow(() -> new IllegalStateException(
                    "ward-totals line of batch " + json.get("batchTime") + ": unknown harm level " + entry.getKey()));
            harm[level.ordinal()] = entry.getValue().getAsLong();
        }
        long[] categories = new long[EventCategory.values().length];
        for (Map.Entry<String, JsonElement> entry : json.getAsJsonObject("byCategory").entrySet()) {
            categories[EventCategory.fromCode(entry.getKey()).ordinal()] += entry.getValue().getAsLong();
        }
        // Lines written before re-qualification existed have no "requalified": none then.
        JsonElement requalified = json.get("requalified");
        // Nor "amended" before the incident ledger.
        JsonElement amended = json.get("amended");
        // Nor "late" before event-time windows.
        JsonElement late = json.get("late");
        return WardState.restored(json.get("total").getAsLong(), harm, categories,
                Instant.parse(json.get("lastOccurredAt").getAsString()).toEpochMilli(),
                requalified == null ? 0 : requalified.getAsLong(), amended == null ? 0 : amended.getAsLong(),
                late == null ? 0 : late.getAsLong());
    }

    /**
     * Rebuilds the incident ledger from the archive (docs/DESIGN.md "The incident ledger"): every accepted, amended
     * and requalified entry whose batch time lies within {@code horizonMillis} before {@code nowMillis}, replayed per
     * eventId in arrival order through the ledger's own rule ({@link LedgerRule#replay}), so each eventId's entry is
     * its latest version with the re-qualifications that applied. Written as gzip parts of
     * {@link LedgerSeedFolder#seedLine} lines (what {@link LedgerSeedFolder} reads).
     *
     * <p>The archive's {@code date=} folders are the UTC dates of the batch times, so only the horizon's dates are
     * read.
     *
     * <p>The same pass gives each ward's open event-time windows (docs/DESIGN.md "Surges in event time"): the
     * rebuilt entries whose {@code occurredAt} is at or after {@code openFromMillis}, by ward and bucket, at the
     * harm level of their latest version. A report that was behind the watermark when it came is in them too: the
     * archive does not record lateness, and such a report is rare within the windows still open.
     *
     * @param sc the new context's Spark context
     * @param archive the archive root
     * @param folder where to write the seed (a new folder in the checkpoint directory; replaced when present)
     * @param nowMillis start time, epoch millis
     * @param horizonMillis the horizon, millis
     * @param openFromMillis the start of the first window still open under the seeded clock, epoch millis
     *     ({@link org.hospital.incidents.pipeline.EventTimeRule#firstOpen}); {@link Long#MAX_VALUE} for no windows
     * @param bucketMillis event-time bucket size, millis
     * @return eventIds written, and the wards' open windows
     * @throws IOException when the archive cannot be listed or the seed written
     */
    public static Rebuilt rebuildLedger(JavaSparkContext sc, String archive, String folder, long nowMillis,
            long horizonMillis, long openFromMillis, long bucketMillis) throws IOException {
        Configuration conf = sc.hadoopConfiguration();
        long since = nowMillis - horizonMillis;
        List<String> globs = new ArrayList<>();
        LocalDate last = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = Instant.ofEpochMilli(since).atZone(ZoneOffset.UTC).toLocalDate(); !day.isAfter(last);
                day = day.plusDays(1)) {
            String glob = ArchiveLayout.partsOfDay(archive, day);
            if (matchesAny(glob, conf)) {
                globs.add(glob);
            }
        }
        Path seed = new Path(folder);
        seed.getFileSystem(conf).delete(seed, true);
        if (globs.isEmpty()) {
            BatchOutputWriter.mkdirs(BatchOutputWriter.fileSystem(seed, conf), seed);
            return new Rebuilt(0, Map.of());
        }
        var entries = sc.textFile(String.join(",", globs))
                .flatMapToPair(line -> {
                    ArchivedReport report = ArchivedReport.parse(line);
                    if (report == null || report.batchTime() < since) {
                        return java.util.Collections.emptyIterator();
                    }
                    return List.of(new Tuple2<>(report.eventId(), report)).iterator();
                })
                .groupByKey()
                .flatMapToPair(pair -> {
                    List<ArchivedReport> history = new ArrayList<>();
                    pair._2().forEach(history::add);
                    history.sort(ArchivedReport.FIRST);
                    List<LedgerRule.Timed> timed = new ArrayList<>(history.size());
                    for (ArchivedReport report : history) {
                        timed.add(new LedgerRule.Timed(report.batchTime(), report.candidate()));
                    }
                    LedgerEntry entry = LedgerRule.replay(timed, horizonMillis);
                    return entry == null ? java.util.Collections.emptyIterator()
                            : List.of(new Tuple2<>(pair._1(), entry)).iterator();
                });
        entries.cache();
        long count = entries.count();
        entries.map(entry -> LedgerSeedFolder.seedLine(entry._1(), entry._2())).saveAsTextFile(folder, GzipCodec.class);
        Map<String, EventBuckets> windows = openFromMillis == Long.MAX_VALUE ? Map.of()
                : new HashMap<>(entries.values()
                        .filter(entry -> entry.occurredAtMillis() >= openFromMillis)
                        .mapPartitionsToPair(part -> {
                            // One builder a ward per partition: one record per ward and partition is shuffled.
                            Map<String, EventBuckets.Builder> byWard = new HashMap<>();
                            part.forEachRemaining(entry -> byWard.computeIfAbsent(entry.wardId(),
                                    ward -> new EventBuckets.Builder(bucketMillis))
                                    .add(entry.occurredAtMillis(), entry.harmLevel()));
                            List<Tuple2<String, EventBuckets>> built = new ArrayList<>(byWard.size());
                            byWard.forEach((ward, builder) -> built.add(new Tuple2<>(ward, builder.build())));
                            return built.iterator();
                        })
                        .reduceByKey(EventBuckets::plus)
                        .collectAsMap());
        entries.unpersist(false);
        return new Rebuilt(count, windows);
    }

    /**
     * What {@link #rebuildLedger} rebuilt.
     *
     * @param eventIds eventIds in the ledger's seed
     * @param windows ward id to its reports by event-time bucket in the windows still open (few buckets a ward)
     */
    public record Rebuilt(long eventIds, Map<String, EventBuckets> windows) {
    }

    private static boolean matchesAny(String glob, Configuration conf) throws IOException {
        Path path = new Path(glob);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        return matches != null && matches.length > 0;
    }
}

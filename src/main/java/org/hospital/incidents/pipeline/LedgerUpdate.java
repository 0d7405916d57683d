package org.hospital.incidents.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function2;
import org.hospital.incidents.io.HadoopConfs;
import org.hospital.incidents.model.BatchSlice;
import org.hospital.incidents.model.BucketLines;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.LedgerShard;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.Verdict;

/**
 * The {@code updateStateByKey} function that keeps the incident ledger (docs/DESIGN.md "The incident ledger"): shape
 * {@code (the batch's lines of one ledger bucket, the bucket's previous version) -> its new version}, whose
 * {@link LedgerShard#verdicts()} say what became of each line. The rule itself is {@link LedgerRule}; this class
 * adds the buckets, the horizon and the seed.
 *
 * <p>The ledger is keyed by bucket ({@link BatchSlice#bucket}), not by eventId: a few hundred compact tables instead
 * of one Spark state record per eventId (see {@link LedgerShard} for why). A bucket without lines in a batch keeps its
 * table as it is. An entry is forgotten by the rule one horizon after its first sighting, and dropped from the table
 * when such entries make up an eighth of it: the state is bounded by the reports of about one horizon.
 *
 * <p>On a new checkpoint the entries of the reports counted before it come from a seed folder
 * ({@link StateSeed#ledger()}, written by the driver from the archive with the same rule): gzip text files of one
 * JSON array per line ({@link #seedLine}). An executor reads the folder once into memory on its first miss; the
 * state itself grows only with the eventIds seen after the start.
 */
public final class LedgerUpdate
        implements Function2<List<BucketLines>, Optional<LedgerShard>, Optional<LedgerShard>> {

    private static final long serialVersionUID = 1L;

    /** Seed folders read in this JVM, by path. */
    private static final Map<String, Map<String, LedgerEntry>> SEEDS = new ConcurrentHashMap<>();

    private final long horizonMillis;
    private final String seedFolder;

    /** @param seed the horizon and the seed folder (may be null) */
    public LedgerUpdate(StateSeed seed) {
        this.horizonMillis = seed.dedupHorizonMillis();
        this.seedFolder = seed.ledger();
    }

    @Override
    public Optional<LedgerShard> call(List<BucketLines> batch, Optional<LedgerShard> previous) {
        LedgerShard shard = previous.isPresent() ? previous.get() : LedgerShard.empty();
        if (batch.isEmpty()) {
            return Optional.of(shard.withoutVerdicts());
        }
        long batchTime = batch.get(0).batchTimeMillis();
        // One eventId may come more than once in a batch (an amendment with its original): its lines go together.
        Map<String, ArrayList<Candidate>> byEventId = new HashMap<>();
        for (BucketLines part : batch) {
            for (Candidate line : part.lines()) {
                byEventId.computeIfAbsent(line.eventId(), id -> new ArrayList<>(1)).add(line);
            }
        }
        LedgerShard.Builder next = shard.next(byEventId.size(), batchTime - horizonMillis);
        List<Verdict> verdicts = new ArrayList<>(2);
        for (Map.Entry<String, ArrayList<Candidate>> lines : byEventId.entrySet()) {
            String eventId = lines.getKey();
            LedgerEntry held = next.get(eventId);
            LedgerEntry before = held != null ? held : seeded(eventId);
            verdicts.clear();
            LedgerEntry after = LedgerRule.applyAll(before, lines.getValue(), batchTime, horizonMillis, verdicts);
            if (after != null && (after != before || held == null)) {
                next.put(eventId, after);
            }
            verdicts.forEach(next::verdict);
        }
        return Optional.of(next.build());
    }

    private LedgerEntry seeded(String eventId) {
        if (seedFolder == null) {
            return null;
        }
        return SEEDS.computeIfAbsent(seedFolder, folder -> read(folder, HadoopConfs.forThisApplication()))
                .get(eventId);
    }

    /**
     * @param eventId an eventId
     * @param entry its entry
     * @return the seed folder's line for it: {@code ["<eventId>","<wardId>",harm,category,reportType,occurredAt,
     *     firstSeen,updatedAt,requalified]} (enum ordinals, epoch millis)
     */
    public static String seedLine(String eventId, LedgerEntry entry) {
        JsonArray array = new JsonArray();
        array.add(eventId);
        array.add(entry.wardId());
        array.add(entry.harmLevel().code());
        array.add(entry.category().code());
        array.add(entry.reportType().code());
        array.add(entry.occurredAtMillis());
        array.add(entry.firstSeenBatchTime());
        array.add(entry.updatedAtMillis());
        array.add(entry.requalified());
        return array.toString();
    }

    /**
     * Reads a seed folder.
     *
     * @param folder Hadoop URI of the folder
     * @param conf Hadoop configuration
     * @return eventId to entry
     * @throws UncheckedIOException when the folder cannot be read (the batch fails and is retried; deciding without
     *     the seed could count a report twice)
     */
    static Map<String, LedgerEntry> read(String folder, Configuration conf) {
        Map<String, LedgerEntry> seen = new HashMap<>();
        try {
            Path dir = new Path(folder);
            FileSystem fs = dir.getFileSystem(conf);
            CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
            for (FileStatus status : fs.listStatus(dir)) {
                if (!status.isFile() || !status.getPath().getName().startsWith("part-")) {
                    continue;
                }
                CompressionCodec codec = codecs.getCodec(status.getPath());
                try (InputStream raw = fs.open(status.getPath());
                        BufferedReader reader = new BufferedReader(new InputStreamReader(
                                codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        JsonArray a = JsonParser.parseString(line).getAsJsonArray();
                        seen.put(a.get(0).getAsString(), new LedgerEntry(a.get(1).getAsString(),
                                HarmLevel.fromCode(a.get(2).getAsString()).orElseThrow(),
                                EventCategory.fromCode(a.get(3).getAsString()),
                                ReportType.fromCode(a.get(4).getAsString()).orElseThrow(), a.get(5).getAsLong(),
                                a.get(6).getAsLong(), a.get(7).getAsLong(), a.get(8).getAsBoolean()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger's seed in " + folder, e);
        }
        return seen;
    }

}

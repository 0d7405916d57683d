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
import org.apache.spark.api.java.function.Function4;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.Time;
import org.hospital.incidents.io.HadoopConfs;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.Verdict;

/**
 * The {@code mapWithState} function that keeps the incident ledger (docs/DESIGN.md "The incident ledger"): shape
 * {@code (batch time, eventId, the batch's lines of that eventId, entry) -> verdicts}. The rule itself is
 * {@link LedgerRule}; this class adds Spark's state and the seed.
 *
 * <p>The state of an eventId is its compact {@link LedgerEntry}. Its timeout is the horizon, counted by Spark from
 * the entry's last change, so an entry is dropped at the latest one horizon after its last amendment; the rule itself
 * forgets an eventId one horizon after its first sighting. The state is bounded by the reports of one horizon (plus
 * the amended ones of the one before).
 *
 * <p>On a new checkpoint the entries of the reports counted before it come from a seed folder
 * ({@link StateSeed#ledger()}, written by the driver from the archive with the same rule): gzip text files of one
 * JSON array per line ({@link #seedLine}). An executor reads the folder once into memory on its first miss; the
 * state itself grows only with the eventIds seen after the start.
 */
public final class LedgerUpdate implements
        Function4<Time, String, Optional<ArrayList<Candidate>>, State<LedgerEntry>, Optional<ArrayList<Verdict>>> {

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
    public Optional<ArrayList<Verdict>> call(Time time, String eventId, Optional<ArrayList<Candidate>> lines,
            State<LedgerEntry> state) {
        if (state.isTimingOut() || !lines.isPresent()) {
            // Spark calls once more for an entry that expires, without lines: nothing to emit.
            return Optional.empty();
        }
        LedgerEntry before = state.exists() ? state.get() : seeded(eventId);
        ArrayList<Verdict> verdicts = new ArrayList<>(lines.get().size());
        LedgerEntry after = LedgerRule.applyAll(before, lines.get(), time.milliseconds(), horizonMillis, verdicts);
        if (after != null && (after != before || !state.exists())) {
            state.update(after);
        }
        return Optional.of(verdicts);
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

    /**
     * Groups one partition's candidates by eventId, the ledger's input: most eventIds have one line a batch, an
     * amendment may come with its original.
     *
     * @param candidates a partition of (eventId, candidate) pairs, already partitioned like the ledger
     * @return (eventId, its lines) pairs
     */
    static java.util.Iterator<scala.Tuple2<String, ArrayList<Candidate>>> byEventId(
            java.util.Iterator<scala.Tuple2<String, Candidate>> candidates) {
        Map<String, ArrayList<Candidate>> grouped = new HashMap<>();
        while (candidates.hasNext()) {
            scala.Tuple2<String, Candidate> next = candidates.next();
            grouped.computeIfAbsent(next._1(), id -> new ArrayList<>(1)).add(next._2());
        }
        List<scala.Tuple2<String, ArrayList<Candidate>>> pairs = new ArrayList<>(grouped.size());
        grouped.forEach((id, lines) -> pairs.add(new scala.Tuple2<>(id, lines)));
        return pairs.iterator();
    }
}

package org.hospital.incidents.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

/**
 * The {@code mapWithState} function that counts each eventId once within the duplicate horizon (DESIGN.md
 * "Restarts and upgrades"): shape {@code (batch time, eventId, report, first-seen batch time) -> checked report}.
 *
 * <p>The state of an eventId is the batch time (epoch millis) at which it was first counted. A report whose eventId
 * was counted less than the horizon before the batch comes back {@link Candidate#duplicateOf marked a duplicate},
 * any other comes back {@link Candidate#counted() counted} and (re)starts its eventId's memory. The state's timeout
 * is the horizon and a duplicate never updates it, so an eventId is forgotten one horizon after it was counted:
 * the state is bounded by the reports of one horizon.
 *
 * <p>On a new checkpoint the eventIds counted before it come from a seed folder ({@link StateSeed#seenEventIds()},
 * built from the archive by the driver): gzip text files of one JSON array {@code ["<eventId>", <batchTime>]} per
 * line. An executor reads the folder once into memory on its first miss; the state itself grows only with the
 * reports counted after the start.
 *
 * <p>Within one batch, when a report and its repeat arrive together, which of the two counts depends on the order
 * of the shuffle; they carry the same eventId, and either way exactly one counts.
 */
public final class DuplicateCheck
        implements Function4<Time, String, Optional<Candidate>, State<Long>, Optional<Candidate>> {

    private static final long serialVersionUID = 1L;

    /** Seed folders read in this JVM, by path. */
    private static final Map<String, Map<String, Long>> SEEDS = new ConcurrentHashMap<>();

    private final long horizonMillis;
    private final String seedFolder;

    /**
     * @param seed the horizon and the seed folder (may be null)
     */
    public DuplicateCheck(StateSeed seed) {
        this.horizonMillis = seed.dedupHorizonMillis();
        this.seedFolder = seed.seenEventIds();
    }

    @Override
    public Optional<Candidate> call(Time time, String eventId, Optional<Candidate> report, State<Long> firstSeen) {
        if (firstSeen.isTimingOut() || !report.isPresent()) {
            // Spark calls once more for an eventId whose memory expires, without a report: nothing to emit.
            return Optional.empty();
        }
        long now = time.milliseconds();
        Long first = firstSeen.exists() ? firstSeen.get() : seeded(eventId);
        if (first != null && now - first < horizonMillis) {
            return Optional.of(report.get().duplicateOf(first));
        }
        firstSeen.update(now);
        return Optional.of(report.get().counted());
    }

    private Long seeded(String eventId) {
        if (seedFolder == null) {
            return null;
        }
        return SEEDS.computeIfAbsent(seedFolder, folder -> read(folder, HadoopConfs.forThisApplication()))
                .get(eventId);
    }

    /**
     * Reads a seed folder.
     *
     * @param folder Hadoop URI of the folder
     * @param conf Hadoop configuration
     * @return eventId to first-seen batch time
     * @throws UncheckedIOException when the folder cannot be read (the batch fails and is retried; counting
     *     without the seed could count a report twice)
     */
    static Map<String, Long> read(String folder, Configuration conf) {
        Map<String, Long> seen = new HashMap<>();
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
                        JsonArray entry = JsonParser.parseString(line).getAsJsonArray();
                        seen.merge(entry.get(0).getAsString(), entry.get(1).getAsLong(), Math::min);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the duplicate memory's seed in " + folder, e);
        }
        return seen;
    }
}

package org.hospital.incidents.ledger;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.support.HadoopConfs;

/**
 * The ledger's seed as a folder beside the checkpoint, written by {@code StateSeeds#rebuildLedger} from the archive:
 * gzip text files of one JSON array per line ({@link #seedLine}). An executor reads the folder once into memory on
 * its first lookup; the graph (and so the checkpoint) holds only the folder's URI.
 *
 * @param folder Hadoop URI of the folder
 */
public record LedgerSeedFolder(String folder) implements LedgerSeed {

    private static final long serialVersionUID = 1L;

    /** Seed folders read in this JVM, by URI. */
    private static final Map<String, Map<String, LedgerEntry>> SEEDS = new ConcurrentHashMap<>();

    @Override
    public LedgerEntry get(String eventId) {
        return SEEDS.computeIfAbsent(folder, f -> read(f, HadoopConfs.forThisApplication())).get(eventId);
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
    public static Map<String, LedgerEntry> read(String folder, Configuration conf) {
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

package org.hospital.incidents.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.hospital.incidents.ops.Report;

/**
 * Reads an output root (local or {@code hdfs://}) the way a user would: every {@code NAME/batch-*}/{@code part-*}
 * line.
 */
public final class OutputFolder {

    private final org.apache.hadoop.fs.Path root;

    /** @param root a local {@code --output} folder */
    public OutputFolder(Path root) {
        this(root.toUri().toString());
    }

    /** @param uri an {@code --output} URI, e.g. {@code hdfs://localhost:PORT/out} */
    public OutputFolder(String uri) {
        this.root = new org.apache.hadoop.fs.Path(uri);
    }

    /**
     * @param name output name
     * @return every JSON line of the output
     * @throws IOException on a read error
     */
    public List<JsonObject> records(String name) throws IOException {
        List<JsonObject> records = new ArrayList<>();
        FileSystem fs = root.getFileSystem(new Configuration());
        for (String line : Report.readLines(fs, new org.apache.hadoop.fs.Path(root, name))) {
            records.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return records;
    }

    /**
     * @return per ward, its {@code ward-totals} line with the largest batchTime (DESIGN.md "latest view")
     * @throws IOException on a read error
     */
    public Map<String, JsonObject> latestWardTotals() throws IOException {
        Map<String, JsonObject> latest = new TreeMap<>();
        for (JsonObject total : records("ward-totals")) {
            String ward = total.get("wardId").getAsString();
            JsonObject seen = latest.get(ward);
            if (seen == null || seen.get("batchTime").getAsLong() < total.get("batchTime").getAsLong()) {
                latest.put(ward, total);
            }
        }
        return latest;
    }

    /**
     * @param counts a JSON object of counts
     * @return it as a sorted map
     */
    public static Map<String, Long> counts(JsonObject counts) {
        Map<String, Long> map = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : counts.entrySet()) {
            map.put(entry.getKey(), entry.getValue().getAsLong());
        }
        return map;
    }

    /**
     * @return per ward total from the latest lines
     * @throws IOException on a read error
     */
    public Map<String, Long> totals() throws IOException {
        Map<String, Long> totals = new HashMap<>();
        latestWardTotals().forEach((ward, json) -> totals.put(ward, json.get("total").getAsLong()));
        return new TreeMap<>(totals);
    }

    /**
     * Records each batch took in, as the outputs show it: accepted reports (the growth of every ward's running
     * total since its previous {@code ward-totals} line) plus rejected lines, per batch time.
     *
     * @return batch time (epoch ms) to records, batches without records left out
     * @throws IOException on a read error
     */
    public Map<Long, Long> recordsPerBatch() throws IOException {
        List<JsonObject> totals = new ArrayList<>(records("ward-totals"));
        totals.sort(java.util.Comparator.comparingLong(t -> t.get("batchTime").getAsLong()));
        Map<String, Long> previous = new HashMap<>();
        Map<Long, Long> perBatch = new TreeMap<>();
        for (JsonObject total : totals) {
            long now = total.get("total").getAsLong();
            Long before = previous.put(total.get("wardId").getAsString(), now);
            perBatch.merge(total.get("batchTime").getAsLong(), now - (before == null ? 0 : before), Long::sum);
        }
        for (JsonObject rejected : records("rejected")) {
            perBatch.merge(rejected.get("batchTime").getAsLong(), 1L, Long::sum);
        }
        return perBatch;
    }
}

package org.hospital.incidents.stream.app;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.hospital.incidents.pipeline.SurgeLimitsSource;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SurgeLimitsFile;
import org.hospital.incidents.stream.restart.StateSeeds;
import org.hospital.incidents.stream.ui.IncidentsFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a started job to the Incidents tab (docs/DESIGN.md "The Incidents tab"): registers the driver's
 * {@link IncidentsFeed} with the streaming context, and after the start posts the wards' latest {@code ward-totals}
 * lines and their SPC variation once, so the tab shows every ward from the first batch on, not only those a batch
 * changes.
 */
final class IncidentsConsole {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentsConsole.class);

    /** The committee report's summary, looked for beside {@code --surge-limits}. */
    static final String SPC_SUMMARY = "spc-summary.csv";

    private IncidentsConsole() {
    }

    /**
     * @param settings validated settings
     * @param ssc the created or recovered context, not started
     * @return the feed, registered as a streaming listener
     */
    static IncidentsFeed feed(Settings settings, JavaStreamingContext ssc) {
        List<String> sources = new ArrayList<>();
        if (settings.socketHost() != null) {
            sources.add("socket " + settings.socketHost() + ":" + settings.socketPort());
        }
        if (settings.kafkaBootstrap() != null) {
            sources.add("kafka " + String.join(",", settings.topics()));
        }
        SurgeLimitsSource limits = SurgeLimitsFile.sourceFor(settings);
        IncidentsFeed feed = IncidentsFeed.start(ssc.sparkContext().sc(), new IncidentsFeed.Settings(
                String.join(", ", sources), settings.graph().batchSeconds() * 1000L, settings.graph().windowSeconds(),
                settings.graph().allowedLatenessSeconds(), settings.dedupHorizonHours(), limits));
        ssc.ssc().addStreamingListener(feed);
        return feed;
    }

    /**
     * Reads the wards' latest lines (one Spark job over {@code ward-totals}) and the SPC summary on a daemon thread,
     * so a long output history does not hold the stream's start, then posts them.
     *
     * @param settings validated settings
     * @param ssc the started context
     * @param feed its feed
     */
    static void snapshotInBackground(Settings settings, JavaStreamingContext ssc, IncidentsFeed feed) {
        Thread thread = new Thread(() -> {
            try {
                Map<String, Map<String, String>> variations = variations(settings.surgeLimits(),
                        ssc.sparkContext().hadoopConfiguration());
                Map<String, String> lines = StateSeeds.latestWardTotalLines(ssc.sparkContext(), settings.output());
                feed.postStartupSnapshot(lines.values(), variations);
                LOG.info("Incidents tab: {} wards' latest ward-totals lines{}", lines.size(), variations.isEmpty() ? ""
                        : ", SPC variation of " + variations.size() + " wards from " + SPC_SUMMARY);
            } catch (IOException | RuntimeException e) {
                // The tab then fills as batches change wards; the stream itself is not concerned.
                LOG.warn("Incidents tab: the wards' latest lines were not read: {}", e.toString());
            }
        }, "incidents-tab-snapshot");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param surgeLimits the {@code --surge-limits} URI, or null
     * @param conf Hadoop configuration
     * @return ward → {measure: variation} from the {@code spc-summary.csv} beside it; empty when there is none
     * @throws IOException when the file exists but cannot be read
     */
    static Map<String, Map<String, String>> variations(String surgeLimits, Configuration conf) throws IOException {
        Map<String, Map<String, String>> variations = new TreeMap<>();
        if (surgeLimits == null) {
            return variations;
        }
        Path summary = new Path(new Path(surgeLimits).getParent(), SPC_SUMMARY);
        FileSystem fs = summary.getFileSystem(conf);
        if (!fs.exists(summary)) {
            return variations;
        }
        try (Reader reader = new InputStreamReader(fs.open(summary), StandardCharsets.UTF_8);
                CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                        .parse(reader)) {
            for (CSVRecord row : csv) {
                variations.computeIfAbsent(row.get("wardId"), w -> new TreeMap<>()).put(row.get("measure"),
                        row.get("variation"));
            }
        }
        return variations;
    }
}

package org.hospital.incidents.stream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.pipeline.SurgeLimitsSource;

/**
 * The per-ward SURGE limits file, {@code surge-limits.csv} (docs/DESIGN.md "Surges in event time, against each
 * ward's own limit"): written by {@code bin/incident-analytics}, read by the stream ({@code --surge-limits URI}).
 *
 * <p>Format: CSV with the header {@value #HEADER}; weekday 1 = Monday, hour 0-23 in the analytics run's time zone,
 * {@code windowSeconds} the window length the expectation is for, {@code limit} the smallest k >= 2 with
 * P(X >= k) <= 0.001 for X ~ Poisson(expectedPerWindow). Beside it, {@code surge-limits.properties} (the CSV's name
 * with {@code .properties} for {@code .csv}) says which history it was learnt from and in which zone
 * ({@code from}, {@code to}, {@code timeZone}); without it the hours are taken as UTC and the source is the file's
 * name.
 *
 * <p>The stream reads the file at each start, on the driver ({@link #load}), and ships each ward's limits to the
 * tasks with the batch's changes; the checkpoint holds only the URI ({@link #source}).
 */
public final class SurgeLimitsFile {

    /** The CSV header, in order. */
    public static final String HEADER = "wardId,weekday,hour,windowSeconds,expectedPerWindow,limit";

    /** Column names. */
    public static final String[] COLUMNS = HEADER.split(",");

    /** Limits read by this driver, per URI: read once per start (JVM), used by every batch. */
    private static final Map<String, SurgeLimits> LOADED = new ConcurrentHashMap<>();

    private SurgeLimitsFile() {
    }

    /** A limits file that cannot be used: bad content, or a window length other than the stream's. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param csvUri the CSV's URI
     * @return the URI of its side file
     */
    public static String sideFile(String csvUri) {
        return (csvUri.endsWith(".csv") ? csvUri.substring(0, csvUri.length() - 4) : csvUri) + ".properties";
    }

    /**
     * Reads and checks the file, and keeps it for this driver's batches.
     *
     * @param uri local path or hdfs:// URI of {@code surge-limits.csv}
     * @param windowSeconds the stream's {@code --window-seconds}
     * @param threshold the stream's {@code --surge-threshold}, for wards and hours without a limit
     * @param conf Hadoop configuration
     * @return the limits
     * @throws Refused when a row is malformed or the file's window length differs from {@code windowSeconds}
     * @throws IOException when the file cannot be read (the message names it)
     */
    public static SurgeLimits load(String uri, int windowSeconds, long threshold, Configuration conf)
            throws Refused, IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new java.io.FileNotFoundException("--surge-limits: file not found: " + uri);
        }
        Properties side = new Properties();
        Path sidePath = new Path(sideFile(uri));
        if (fs.exists(sidePath)) {
            try (InputStream in = fs.open(sidePath)) {
                side.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        String zone = side.getProperty("timeZone", "UTC");
        try {
            java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new Refused("--surge-limits: " + sideFile(uri) + ": unknown timeZone '" + zone + "'");
        }
        String source = side.containsKey("from") && side.containsKey("to")
                ? "history " + side.getProperty("from") + ".." + side.getProperty("to")
                : "history " + path.getName();
        Map<String, long[]> tables = new LinkedHashMap<>();
        try (InputStream in = fs.open(path); Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
                CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                        .parse(reader)) {
            if (!List.of(COLUMNS).equals(csv.getHeaderNames())) {
                throw new Refused("--surge-limits: " + uri + ": expected the header " + HEADER + ", got "
                        + String.join(",", csv.getHeaderNames()));
            }
            for (CSVRecord row : csv) {
                String where = "--surge-limits: " + uri + " line " + (row.getRecordNumber() + 1) + ": ";
                int rowWindow = number(row, "windowSeconds", 1, Integer.MAX_VALUE, where);
                if (rowWindow != windowSeconds) {
                    throw new Refused("--surge-limits: " + uri + " has windowSeconds " + rowWindow
                            + " but --window-seconds is " + windowSeconds + " (build the limits with the stream's "
                            + "window length: bin/incident-analytics --window-seconds " + windowSeconds + ")");
                }
                int weekday = number(row, "weekday", 1, 7, where);
                int hour = number(row, "hour", 0, 23, where);
                long limit = number(row, "limit", 1, Integer.MAX_VALUE, where);
                String ward = row.get("wardId");
                if (ward.isEmpty()) {
                    throw new Refused(where + "empty wardId");
                }
                tables.computeIfAbsent(ward, w -> new long[WardLimits.HOURS_OF_WEEK])[(weekday - 1) * 24 + hour] =
                        limit;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Refused("--surge-limits: " + uri + ": not a CSV file of " + HEADER + ": " + e.getMessage());
        }
        Map<String, WardLimits> byWard = new HashMap<>();
        tables.forEach((ward, table) -> byWard.put(ward, WardLimits.history(threshold, table, source, zone)));
        SurgeLimits limits = new SurgeLimits(windowSeconds, Map.copyOf(byWard), WardLimits.threshold(threshold));
        LOADED.put(uri, limits);
        return limits;
    }

    private static int number(CSVRecord row, String column, int min, int max, String where) throws Refused {
        String text = row.isMapped(column) && row.isSet(column) ? row.get(column).trim() : "";
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new Refused(where + column + ": expected a whole number from " + min + " to " + max + ", got '" + text
                + "'");
    }

    /**
     * @param settings validated settings
     * @return where this run's SURGE limits come from: {@code --surge-limits} (already {@link #load loaded}), else
     *     {@code --surge-threshold} for every ward; the one choice the graph and the Incidents tab share
     */
    public static SurgeLimitsSource sourceFor(Settings settings) {
        return settings.surgeLimits() == null ? SurgeLimitsSource.threshold(settings.graph())
                : source(settings.surgeLimits());
    }

    /**
     * @param uri the limits file, already {@link #load loaded} by this driver's start
     * @return the graph's source of limits: the URI goes into the checkpoint, the limits come from this driver's
     *     {@link #load}
     */
    public static SurgeLimitsSource source(String uri) {
        return () -> {
            SurgeLimits limits = LOADED.get(uri);
            if (limits == null) {
                throw new IllegalStateException("--surge-limits " + uri + " was not read at start");
            }
            return limits;
        };
    }
}

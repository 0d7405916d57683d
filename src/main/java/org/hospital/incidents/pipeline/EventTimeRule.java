package org.hospital.incidents.pipeline;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;
import org.hospital.incidents.model.SurgeWindow;

/**
 * Event-time windows and the SURGE rule for one ward (docs/DESIGN.md "Surges in event time, against each ward's own
 * limit"), a pure function of the ward's state and one batch's change.
 *
 * <ul>
 *   <li>Windows are {@code [start, start + window)} of {@code occurredAt}, {@code start} a multiple of the slide
 *       interval (UTC epoch). A batch's on-time reports change the windows that contain them; each is emitted with
 *       its new count.
 *   <li>SURGE: a window whose count has reached the ward's limit for the hour it starts in, unless it overlaps a
 *       window of the ward already at or above its limit. A burst is a run of overlapping windows at or above the
 *       limit and pages once, however long it lasts and however its reports are spread over batches; a window that
 *       does not overlap the run (the ward went back below its limit for a whole window) pages again. The changed
 *       windows are judged in event-time order, so the earliest window of a burst is the one alerted.
 *   <li>Memory: buckets and alerted windows that no window still open under the watermark can reach are dropped:
 *       a ward keeps at most (window + allowed lateness) / bucket size buckets.
 * </ul>
 * Lateness itself (a report behind the watermark counts in the totals, in no window) is decided where the batch's
 * reports are collected ({@link IncidentGraph}), since the reports are bucketed there.
 */
public final class EventTimeRule implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long slideMillis;

    /**
     * @param windowMillis window length, millis (> 0)
     * @param slideMillis slide interval, millis (> 0, at most the window length)
     */
    public EventTimeRule(long windowMillis, long slideMillis) {
        if (windowMillis <= 0 || slideMillis <= 0 || slideMillis > windowMillis) {
            throw new IllegalArgumentException("window " + windowMillis + " ms, slide " + slideMillis + " ms");
        }
        this.windowMillis = windowMillis;
        this.slideMillis = slideMillis;
    }

    /**
     * @param settings the graph's window length and slide interval, seconds
     * @return the rule for them
     */
    public static EventTimeRule of(GraphSettings settings) {
        return new EventTimeRule(settings.windowSeconds() * 1000L, settings.slideSeconds() * 1000L);
    }

    /**
     * The watermark a batch is judged by (docs/DESIGN.md "Surges in event time"): the batch's clock
     * ({@link #clock}) minus the allowed lateness; a report older than it is late. Judged against the clock as it
     * stood before the batch, as Structured Streaming does with its watermark: a recomputed batch decides alike, and a
     * backlog that arrives in one batch is windowed in full, not declared late against its own newest report.
     *
     * @param clockMillis the batch's clock, epoch millis, or {@link Long#MIN_VALUE} before any report
     * @param latenessMillis {@code allowed-lateness-seconds} in millis
     * @return the watermark, epoch millis; {@link Long#MIN_VALUE} (nothing is late) before any report
     */
    public static long watermark(long clockMillis, long latenessMillis) {
        return clockMillis == Long.MIN_VALUE ? Long.MIN_VALUE : clockMillis - latenessMillis;
    }

    /**
     * The event-time clock a batch is judged by, from the wards' state after the batch before (docs/DESIGN.md
     * "Surges in event time"): the clock the latest batch was judged by, moved on to the largest {@code occurredAt}
     * counted in that batch from its input partition furthest behind (per partition the newest report over every
     * ward, then the oldest of those). Never moves back. With one input partition (one Kafka partition; the socket,
     * one partition a batch) it is the largest {@code occurredAt} counted so far; a partition that brought nothing on
     * time in the latest batch holds nobody back (a quiet ward's partition, a drained backlog, a downtime form's old
     * reports: a late report is not counted as progress, {@link WardChanges.Collector}), one still reading a backlog
     * keeps the clock at its own event time, so its reports are not late against another partition's
     * ({@link ClockReading}).
     *
     * @param readings each ward's {@link WardStatus#clock()}, and a new checkpoint's seed ({@link ClockReading#of});
     *     any order
     * @return the clock, epoch millis; {@link Long#MIN_VALUE} before any report
     */
    public static long clock(Iterator<ClockReading> readings) {
        List<ClockReading> all = new ArrayList<>();
        long clock = Long.MIN_VALUE;
        long latest = Long.MIN_VALUE;
        while (readings.hasNext()) {
            ClockReading reading = readings.next();
            all.add(reading);
            clock = Math.max(clock, reading.clockMillis());
            latest = Math.max(latest, reading.batchMillis());
        }
        Map<Long, Long> newestByPartition = new HashMap<>();
        for (ClockReading reading : all) {
            long[] maxima = reading.partitionMaxima();
            for (int i = 0; reading.batchMillis() == latest && i < maxima.length; i += 2) {
                newestByPartition.merge(maxima[i], maxima[i + 1], Math::max);
            }
        }
        if (newestByPartition.isEmpty()) {
            return clock;
        }
        return Math.max(clock, Collections.min(newestByPartition.values()));
    }

    /** @return the bucket size: the greatest common divisor of window length and slide, millis */
    public long bucketMillis() {
        long a = windowMillis;
        long b = slideMillis;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * @param previous the ward's state before the batch
     * @param change the batch's change for the ward (several partitions' changes added), with its watermark and
     *     limits
     * @return the ward's state after the batch, with the windows it changed and the SURGEs it raised
     */
    public WardStatus apply(WardStatus previous, WardChange change) {
        EventBuckets buckets = previous.buckets().plus(change.arrived());
        long[] alerted = previous.alerted();
        ArrayList<WardWindow> windows = new ArrayList<>();
        ArrayList<SurgeWindow> surges = new ArrayList<>(1);
        WardLimits limits = change.limits();
        // The windows that hold an arrived bucket, in ascending order and each once: the arrived buckets are sorted,
        // so each bucket's range of window starts begins where the previous one's ended or later.
        long next = Long.MIN_VALUE;
        for (int i = 0; i < change.arrived().size(); i++) {
            long bucket = change.arrived().start(i);
            long last = lastStart(bucket);
            long first = Math.max(firstOpen(bucket), next);
            for (long start = first; start <= last; start += slideMillis) {
                WindowCounts counts = buckets.sum(start, start + windowMillis);
                WardWindow window = new WardWindow(change.wardId(), start, start + windowMillis, counts);
                windows.add(window);
                if (limits != null && counts.count() >= limits.limit(start)) {
                    if (!overlapsAlerted(alerted, start)) {
                        surges.add(new SurgeWindow(window, limits.limit(start), limits.source(start)));
                    }
                    alerted = withAlerted(alerted, start);
                }
            }
            next = Math.max(next, last + slideMillis);
        }
        long watermark = change.watermarkMillis();
        if (watermark != Long.MIN_VALUE) {
            long firstOpen = firstOpen(watermark);
            buckets = buckets.from(firstOpen);
            alerted = alertedFrom(alerted, firstOpen - windowMillis + 1);
        }
        return new WardStatus(previous.totals().withChanged(false).plus(change.delta()), buckets, alerted,
                windows, surges, change.delta().late(), change.clock());
    }

    /**
     * The earliest window start with start + window &gt; {@code millis}. For a watermark: the first window an on-time
     * report can still change (no bucket before it is needed any more). For a report's time: the first window that
     * holds it.
     *
     * @param millis epoch millis (not {@link Long#MIN_VALUE})
     * @return that window start, epoch millis
     */
    public long firstOpen(long millis) {
        return Math.floorDiv(millis - windowMillis, slideMillis) * slideMillis + slideMillis;
    }

    /** @return the latest window start at or before {@code millis}: the last window that holds a report then */
    private long lastStart(long millis) {
        return Math.floorDiv(millis, slideMillis) * slideMillis;
    }

    /**
     * A ward met for the first time in a new checkpoint, with its counts and its open windows' reports from before
     * it ({@link StateSeed}). Every window of those buckets at or above the ward's limit is taken as already paged
     * (the run before the new checkpoint judged it), so a burst that spans the new checkpoint pages once.
     *
     * @param totals where the ward's counts start
     * @param buckets its reports by event-time bucket in the windows still open, possibly empty
     * @param limits the ward's limits, or null for none
     * @return the ward's state before its first batch in this checkpoint
     */
    public WardStatus seeded(WardState totals, EventBuckets buckets, WardLimits limits) {
        WardStatus ward = WardStatus.of(totals);
        if (buckets.isEmpty()) {
            return ward;
        }
        long[] alerted = new long[0];
        if (limits != null) {
            long last = lastStart(buckets.start(buckets.size() - 1));
            for (long start = firstOpen(buckets.start(0)); start <= last; start += slideMillis) {
                if (buckets.sum(start, start + windowMillis).count() >= limits.limit(start)) {
                    alerted = withAlerted(alerted, start);
                }
            }
        }
        return new WardStatus(ward.totals(), buckets, alerted, ward.windows(), ward.surges(), 0, ward.clock());
    }

    /** @return true when a window at {@code start} overlaps a run of windows at or above the limit */
    private boolean overlapsAlerted(long[] runs, long start) {
        for (int i = 0; i < runs.length; i += 2) {
            if (start > runs[i] - windowMillis && start < runs[i + 1] + windowMillis) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a window at or above the limit to the runs: ({@code from}, {@code to}) pairs of window starts, sorted, each
     * a chain of windows that overlap one another. Runs the window overlaps merge with it into one.
     */
    private long[] withAlerted(long[] runs, long start) {
        long from = start;
        long to = start;
        long[] kept = new long[runs.length + 2];
        int n = 0;
        for (int i = 0; i < runs.length; i += 2) {
            if (start > runs[i] - windowMillis && start < runs[i + 1] + windowMillis) {
                from = Math.min(from, runs[i]);
                to = Math.max(to, runs[i + 1]);
            } else {
                kept[n++] = runs[i];
                kept[n++] = runs[i + 1];
            }
        }
        int at = 0;
        while (at < n && kept[at] < from) {
            at += 2;
        }
        System.arraycopy(kept, at, kept, at + 2, n - at);
        kept[at] = from;
        kept[at + 1] = to;
        return Arrays.copyOf(kept, n + 2);
    }

    /** The runs that end at or after {@code from}: only those can overlap a window still open. */
    private static long[] alertedFrom(long[] runs, long from) {
        int first = 0;
        while (first < runs.length && runs[first + 1] < from) {
            first += 2;
        }
        return first == 0 ? runs : Arrays.copyOfRange(runs, first, runs.length);
    }
}

package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import scala.Tuple2;

/**
 * What one partition of one batch contributes to every output, computed in a single pass over its lines: the
 * per-ward counts of its accepted incidents, its rejections, its incidents that raise a CRITICAL alert, and the
 * number accepted.
 *
 * <p>Why: the graph's branches (running state, window, rejects, alerts, summary) all read each batch. Keeping
 * every parsed report cached for them cost more than the parse (issue 10: Java deserialization at first, then
 * Spark's size estimation of the deserialized objects, 26 % of the executor's time at 200,000 reports per batch).
 * A slice holds one entry per ward plus the few rejected and critical reports, so caching it is almost free.
 *
 * <p>Mutable while it is filled (by one task), then read only.
 */
public final class BatchSlice implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, WardState> wardCounts = new HashMap<>();
    private final ArrayList<Rejection> rejections = new ArrayList<>();
    private final ArrayList<Incident> critical = new ArrayList<>();
    private long accepted;
    private byte[] archive;
    private long archived;

    /**
     * Counts an accepted incident.
     *
     * @param incident the incident
     * @param isCritical whether it raises a CRITICAL alert (kept whole for the alert)
     */
    public void accept(Incident incident, boolean isCritical) {
        accepted++;
        wardCounts.merge(incident.wardId(), WardState.of(incident), WardState::plus);
        if (isCritical) {
            critical.add(incident);
        }
    }

    /** @param rejection a rejected line, kept whole for the {@code rejected} output */
    public void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    /**
     * @param compressed the partition's archive entries, compressed (null when the archive is off or empty)
     * @param entries how many entries they hold
     */
    public void archive(byte[] compressed, long entries) {
        this.archive = compressed;
        this.archived = entries;
    }

    /** @return the partition's archive entries, compressed, or null */
    public byte[] archive() {
        return archive;
    }

    /** @return archive entries in {@link #archive()} */
    public long archived() {
        return archived;
    }

    /** @return accepted incidents in the slice */
    public long accepted() {
        return accepted;
    }

    /** @return rejected lines, in input order */
    public List<Rejection> rejections() {
        return rejections;
    }

    /** @return accepted incidents that raise a CRITICAL alert, in input order */
    public List<Incident> critical() {
        return critical;
    }

    /** @return per-ward counts of the accepted incidents, each marked changed, as (wardId, counts) pairs */
    public Iterator<Tuple2<String, WardState>> wardCounts() {
        List<Tuple2<String, WardState>> pairs = new ArrayList<>(wardCounts.size());
        for (Map.Entry<String, WardState> entry : wardCounts.entrySet()) {
            pairs.add(new Tuple2<>(entry.getKey(), entry.getValue()));
        }
        return pairs.iterator();
    }
}

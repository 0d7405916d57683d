package org.hospital.incidents.stream.ui;

import org.apache.spark.util.kvstore.KVIndex;

/**
 * The Incidents tab's figures in the History Server's application store: written once the event log is replayed
 * ({@link IncidentsHistoryPlugin}), read when the application's UI is built. A plain bean, so Spark's disk store
 * (LevelDB/RocksDB through Jackson) can hold it as well as the in-memory one.
 */
public final class IncidentsSnapshot {

    /** The store's key: one snapshot per application. */
    public static final String KEY = "incidents";

    /** The natural index. */
    @KVIndex
    public String id = KEY;

    /** {@link ConsoleFigures#snapshot()}. */
    public String figures;

    /** For Jackson. */
    public IncidentsSnapshot() {
    }

    /** @param figures {@link ConsoleFigures#snapshot()} */
    public IncidentsSnapshot(String figures) {
        this.figures = figures;
    }
}

package org.hospital.incidents.stream.ui;

import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.status.AppHistoryServerPlugin;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.ui.SparkUI;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * The Incidents tab in Spark's History Server (found by {@code java.util.ServiceLoader} in the application jar, as
 * Spark's own SQL tab is): while an application's event log is replayed, a {@link FiguresListener} rebuilds the
 * tab's figures from its {@link IncidentsBatchEvent}s; once replayed, they are stored with the application
 * ({@link IncidentsSnapshot}), and the application's UI gets the tab when they are there (an application that is not
 * this job gets none).
 */
public final class IncidentsHistoryPlugin implements AppHistoryServerPlugin {

    @Override
    public Seq<SparkListener> createListeners(SparkConf conf, ElementTrackingStore store) {
        ConsoleFigures figures = new ConsoleFigures();
        store.onFlush(() -> {
            if (figures.hasBatch()) {
                store.write(new IncidentsSnapshot(figures.snapshot()));
            }
            return BoxedUnit.UNIT;
        });
        return CollectionConverters.asScala(List.<SparkListener>of(new FiguresListener(figures))).toSeq();
    }

    @Override
    public void setupUI(SparkUI ui) {
        IncidentsSnapshot snapshot;
        try {
            snapshot = ui.store().store().read(IncidentsSnapshot.class, IncidentsSnapshot.KEY);
        } catch (NoSuchElementException e) {
            return;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the Incidents tab's figures from the application store", e);
        }
        ui.attachTab(new IncidentsTab(ui, ConsoleFigures.restore(snapshot.figures)));
    }
}

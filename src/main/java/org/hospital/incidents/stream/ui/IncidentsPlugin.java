package org.hospital.incidents.stream.ui;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark plugin that puts the Incidents tab in the driver's Spark UI ({@code spark.plugins}, on in the shipped
 * configuration; docs/DESIGN.md "The Incidents tab"). Its driver side keeps the tab's figures up to date from the
 * job's {@link IncidentsBatchEvent}s and attaches {@link IncidentsTab} to the UI; with {@code spark.ui.enabled=false}
 * there is no UI and no tab. No executor side.
 */
public final class IncidentsPlugin implements SparkPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentsPlugin.class);

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext context) {
                ConsoleFigures figures = new ConsoleFigures();
                sc.addSparkListener(new FiguresListener(figures));
                if (sc.ui().isDefined()) {
                    sc.ui().get().attachTab(new IncidentsTab(sc.ui().get(), figures));
                    LOG.info("Incidents tab: {}/{}/", sc.ui().get().webUrl(), IncidentsTab.PREFIX);
                }
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return null;
    }
}

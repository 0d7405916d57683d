package org.hospital.incidents.stream.ui;

import com.google.gson.Gson;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.ui.SparkUITab;
import org.apache.spark.ui.UIUtils;
import org.apache.spark.ui.WebUIPage;
import org.json4s.JsonAST;
import org.json4s.StringInput;
import org.json4s.jackson.JsonMethods$;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.xml.Node;
import scala.xml.Unparsed;

/**
 * The Incidents tab of the Spark UI: {@code /incidents/} (HTML, {@link IncidentsHtml}) and {@code /incidents/json}
 * (the same figures, {@link ConsoleFigures#json}). Attached like Spark's own tabs ({@link SparkUI#attachTab}), so its
 * pages sit behind the same {@code spark.ui.filters} and view ACLs, on the driver's UI port and in the History
 * Server.
 *
 * <p>Spark has no public API for an application's tab; this follows what Spark's own SQL tab and Kyuubi's
 * {@code EngineTab} do with the UI classes, which Spark keeps stable across 3.x.
 */
public final class IncidentsTab extends SparkUITab {

    /** The tab's path under the UI root. */
    public static final String PREFIX = "incidents";

    private static final Gson GSON = new Gson();

    /**
     * @param ui the driver's or the History Server's UI of one application
     * @param figures what the tab shows
     */
    public IncidentsTab(SparkUI ui, ConsoleFigures figures) {
        super(ui, PREFIX);
        attachPage(new Page(this, figures));
    }

    @Override
    public String name() {
        return "Incidents";
    }

    /** The tab's one page: HTML at the tab's root, JSON at {@code json}. */
    static final class Page extends WebUIPage {

        private final IncidentsTab tab;
        private final ConsoleFigures figures;

        Page(IncidentsTab tab, ConsoleFigures figures) {
            super("");
            this.tab = tab;
            this.figures = figures;
        }

        @Override
        public Seq<Node> render(HttpServletRequest request) {
            String html = IncidentsHtml.render(figures.json(System.currentTimeMillis()), System.currentTimeMillis());
            Seq<Node> content = CollectionConverters.asScala(List.<Node>of(new Unparsed(html))).toSeq();
            return UIUtils.headerSparkPage(request, "Incidents", () -> content, tab, Option.empty(), false, false);
        }

        @Override
        public JsonAST.JValue renderJson(HttpServletRequest request) {
            return JsonMethods$.MODULE$.parse(new StringInput(GSON.toJson(figures.json(System.currentTimeMillis()))),
                    false, true);
        }
    }
}

package org.hospital.incidents.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/spark-cluster status}: what a Spark standalone master knows, read from its UI's JSON view
 * ({@code <master UI>/json/}, the same data as its web page): the master's state, each worker with its cores and
 * memory in use, the running applications and the drivers (cluster deploy mode) with their state and worker.
 *
 * <p>Exit status: 0; 1 when the master does not answer; 3 with {@code --require-workers N} when fewer than N workers
 * are alive (the start script waits on it).
 */
@Command(name = "spark-cluster status", mixinStandardHelpOptions = true,
        description = "Show the workers, applications and drivers of a Spark standalone master.")
public final class ClusterStatus implements Callable<Integer> {

    @Option(names = "--master-ui", paramLabel = "URL", description = "The master's web UI (default "
            + "http://127.0.0.1:8080).")
    String masterUi = "http://127.0.0.1:8080";

    @Option(names = "--require-workers", paramLabel = "N", description = "Exit 3 unless at least N workers are alive.")
    int requireWorkers;

    PrintStream out = System.out;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterStatus()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        JsonObject master;
        try {
            master = fetch(masterUi);
        } catch (IOException e) {
            System.err.println("spark-cluster: the master UI " + masterUi + " does not answer: " + e.getMessage());
            return 1;
        }
        long alive = 0;
        out.println("master " + text(master, "url") + " " + text(master, "status") + ", cores " + text(master,
                "coresused") + "/" + text(master, "cores") + " used");
        for (JsonElement element : array(master, "workers")) {
            JsonObject worker = element.getAsJsonObject();
            if ("ALIVE".equals(text(worker, "state"))) {
                alive++;
            }
            out.println("worker " + text(worker, "id") + " " + text(worker, "state") + " " + text(worker, "host") + ":"
                    + text(worker, "port") + ", cores " + text(worker, "coresused") + "/" + text(worker, "cores")
                    + ", memory " + text(worker, "memoryused") + "/" + text(worker, "memory") + " MB");
        }
        for (JsonElement element : array(master, "activeapps")) {
            JsonObject app = element.getAsJsonObject();
            out.println("application " + text(app, "id") + " " + text(app, "state") + " " + text(app, "name")
                    + ", cores " + text(app, "cores"));
        }
        for (JsonElement element : array(master, "activedrivers")) {
            JsonObject driver = element.getAsJsonObject();
            out.println("driver " + text(driver, "id") + " " + text(driver, "state") + " on " + text(driver, "worker")
                    + ", " + text(driver, "mainclass"));
        }
        for (JsonElement element : array(master, "completeddrivers")) {
            JsonObject driver = element.getAsJsonObject();
            out.println("driver " + text(driver, "id") + " " + text(driver, "state") + " (completed)");
        }
        return alive >= requireWorkers ? 0 : 3;
    }

    /**
     * @param masterUi the master's web UI address
     * @return its JSON view
     * @throws IOException when it does not answer with JSON
     * @throws InterruptedException when interrupted
     */
    static JsonObject fetch(String masterUi) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(masterUi + "/json/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    static JsonArray array(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonArray() ? value.getAsJsonArray() : new JsonArray();
    }

    static String text(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value == null || value.isJsonNull() ? "?" : value.getAsString();
    }
}

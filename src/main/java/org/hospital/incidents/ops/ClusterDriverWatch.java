package org.hospital.incidents.ops;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.hospital.incidents.support.ConsoleText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * After a submission in cluster deploy mode ({@code bin/incident-stream} with {@code --deploy-mode cluster}): waits
 * until the driver, running on a worker, logs that streaming started, so that the submission's exit status says
 * whether the job runs (docs/DESIGN.md "Privacy and hostile input": a driver that never starts streaming must not
 * look like a success).
 *
 * <p>Reads the standalone master's JSON view ({@code <master UI>/json/}) for the driver's state and worker, and the
 * driver's {@code stderr} from that worker's web UI ({@code <worker UI>/log?driverId=…&logType=stderr}, the text
 * behind its log page), every second.
 *
 * <p>Exit status: 0 once the log has {@code Streaming started}; 1 when the driver failed first (its last error
 * line is printed: the application's own {@code incident-stream: …} line, else the last exception or ERROR line),
 * or when it has not started streaming within {@code --timeout-seconds} (its last error line, if any).
 */
@Command(name = "incident-stream (cluster)", mixinStandardHelpOptions = true,
        description = "Wait until a driver submitted in cluster deploy mode starts streaming.")
public final class ClusterDriverWatch implements Callable<Integer> {

    /** What the driver logs once its streaming context runs ({@code IncidentStreamingApp}). */
    static final String STARTED = "Streaming started";

    @Option(names = "--master-ui", paramLabel = "URL", required = true, description = "The master's web UI.")
    String masterUi;

    @Option(names = "--driver", paramLabel = "ID", required = true, description = "The submitted driver's id.")
    String driver;

    @Option(names = "--timeout-seconds", paramLabel = "N", description = "Most seconds to wait (default 150).")
    int timeoutSeconds = 150;

    PrintStream out = System.out;
    PrintStream err = System.err;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterDriverWatch()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        String lastError = null;
        String state = "not known to the master";
        while (System.nanoTime() < deadline) {
            try {
                JsonObject master = ClusterStatus.fetch(masterUi);
                JsonObject entry = find(master, "activedrivers");
                boolean completed = false;
                if (entry == null) {
                    entry = find(master, "completeddrivers");
                    completed = entry != null;
                }
                if (entry != null) {
                    state = ClusterStatus.text(entry, "state");
                    String log = log(master, ClusterStatus.text(entry, "worker"));
                    if (log != null) {
                        if (log.contains(STARTED)) {
                            out.println("incident-stream: driver " + driver + " is streaming on "
                                    + ClusterStatus.text(entry, "worker")
                                    + " (bin/spark-cluster status; its log: the worker's UI)");
                            return 0;
                        }
                        String error = lastError(log);
                        lastError = error != null ? error : lastError;
                        if (error != null && error.startsWith("incident-stream: ")) {
                            return failed("failed before streaming", lastError);
                        }
                    }
                    if (completed || List.of("FAILED", "ERROR", "KILLED", "FINISHED").contains(state)) {
                        return failed("ended (" + state + ") before streaming", lastError);
                    }
                }
            } catch (IOException e) {
                lastError = "the master UI " + masterUi + " does not answer: " + e.getMessage();
            }
            Thread.sleep(1000);
        }
        return failed("did not start streaming within " + timeoutSeconds + " s (state " + state + ")", lastError);
    }

    private int failed(String what, String lastError) {
        err.println("incident-stream: driver " + driver + " " + what + (lastError == null ? ""
                : "; its last error: " + ConsoleText.escape(lastError)));
        return 1;
    }

    private JsonObject find(JsonObject master, String list) {
        for (JsonElement element : ClusterStatus.array(master, list)) {
            if (driver.equals(ClusterStatus.text(element.getAsJsonObject(), "id"))) {
                return element.getAsJsonObject();
            }
        }
        return null;
    }

    /** @return the tail of the driver's stderr from its worker's UI, or null when it cannot be read yet */
    private String log(JsonObject master, String workerId) throws InterruptedException {
        for (JsonElement element : ClusterStatus.array(master, "workers")) {
            JsonObject worker = element.getAsJsonObject();
            if (workerId.equals(ClusterStatus.text(worker, "id"))) {
                String url = ClusterStatus.text(worker, "webuiaddress") + "/log?driverId="
                        + URLEncoder.encode(driver, StandardCharsets.UTF_8) + "&logType=stderr&byteLength=1000000";
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200 ? response.body() : null;
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * @param log the driver's stderr
     * @return its last error line: the application's own one-line message ({@code incident-stream: …}) if any, else
     *     the last exception or ERROR line; null when there is none
     */
    static String lastError(String log) {
        String own = null;
        String other = null;
        for (String line : log.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("incident-stream: ")) {
                own = trimmed;
            } else if (trimmed.contains(" ERROR ") || trimmed.startsWith("Exception in thread")
                    || trimmed.matches("^[a-z][\\w.$]*(Exception|Error): .*")) {
                other = trimmed;
            }
        }
        return own != null ? own : other;
    }
}

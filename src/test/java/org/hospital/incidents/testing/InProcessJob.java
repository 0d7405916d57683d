package org.hospital.incidents.testing;

import org.apache.spark.SparkConf;
import org.hospital.incidents.stream.config.CommandLineOptions;
import org.hospital.incidents.stream.app.IncidentStreamingApp;

/** Runs the application in the test JVM, as {@code main} would, on a {@code local[2]} master without a UI. */
public final class InProcessJob {

    private InProcessJob() {
    }

    /**
     * @param args DESIGN.md options (include {@code --run-seconds} so the call returns)
     * @return the application's exit status: 0 after a normal stop, 1 when streaming failed
     * @throws Exception on a bad option or an interruption
     */
    public static int run(String... args) throws Exception {
        return IncidentStreamingApp.run(CommandLineOptions.parse(args),
                new SparkConf().setMaster("local[2]").set("spark.ui.enabled", "false"));
    }

    /**
     * The exit status and what the application printed on standard error.
     *
     * @param status exit status
     * @param stderr standard error of the run
     */
    public record Outcome(int status, String stderr) {
    }

    /**
     * Like {@link #run}, capturing standard error (where the application prints its one-line advice).
     *
     * @param args DESIGN.md options (include {@code --run-seconds} so the call returns)
     * @return status and standard error
     * @throws Exception on a bad option or an interruption
     */
    public static Outcome runCapturingStderr(String... args) throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int status = run(args);
            return new Outcome(status, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}

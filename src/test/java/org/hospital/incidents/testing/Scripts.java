package org.hospital.incidents.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's own bin/ scripts from tests, as a user would. */
public final class Scripts {

    private Scripts() {
    }

    /** @return the project directory (failsafe's {@code project.basedir}, else the working directory) */
    public static Path projectDir() {
        return Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();
    }

    /**
     * The result of a finished script.
     *
     * @param exitCode exit status
     * @param stdout standard output
     * @param stderr standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code bin/<script> args...} and waits for it.
     *
     * @param env extra environment variables
     * @param timeoutSeconds limit; the process is killed after it
     * @param script script name under bin/
     * @param args arguments
     * @return exit code and output
     * @throws IOException when it cannot start
     * @throws InterruptedException when interrupted
     */
    public static Result run(Map<String, String> env, long timeoutSeconds, String script, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("script-out", ".txt");
        Path err = Files.createTempFile("script-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command(script, args)).directory(projectDir().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("bin/" + script + " did not finish in " + timeoutSeconds + " s: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Starts {@code bin/<script> args...} without waiting, its standard output and error going to {@code log}.
     *
     * @param log file that receives both output streams
     * @param script script name under bin/
     * @param args arguments
     * @return the running process (for {@code bin/incident-stream}, the driver JVM itself: the script execs java)
     * @throws IOException when it cannot start
     */
    public static Process start(Path log, String script, String... args) throws IOException {
        return new ProcessBuilder(command(script, args)).directory(projectDir().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static List<String> command(String script, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(projectDir().resolve("bin").resolve(script).toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * @return a TCP port that was free a moment ago
     * @throws IOException when none can be found
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package org.hospital.incidents.stream.restart;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the start's first contact with a file system (config key {@code startup-timeout-seconds}). HDFS's client
 * retries a NameNode that is not there for minutes under the shipped retry policy, printing nothing; a driver that
 * starts against a typo would look hung. The probe runs on a daemon thread: when the time is up the start gives up
 * with one line, and the thread, still inside Hadoop's retries, does not keep the JVM alive.
 *
 * <p>Only the start is bounded: a NameNode that goes away mid-stream is waited for as the retry policy says
 * (docs/RELIABILITY.md, NameNodeRestartIT).
 */
public final class StartupWait {

    private static final Logger LOG = LoggerFactory.getLogger(StartupWait.class);

    /** After this long without an answer the start says what it waits for. */
    private static final long SAY_AFTER_SECONDS = 3;

    private StartupWait() {
    }

    /** The file system did not answer in time. */
    public static final class NoAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        NoAnswer(String message) {
            super(message);
        }
    }

    /**
     * Asks the file system of {@code uri} whether the path exists, within the time.
     *
     * @param flag the flag that named the URI ({@code --checkpoint}, {@code --archive}), for the messages
     * @param uri a Hadoop URI
     * @param conf the Hadoop configuration the job uses
     * @param timeoutSeconds most seconds to wait
     * @throws NoAnswer with one line naming the flag, the URI and the time, when no answer came
     * @throws InterruptedException when interrupted while waiting
     */
    public static void fileSystem(String flag, String uri, Configuration conf, int timeoutSeconds)
            throws NoAnswer, InterruptedException {
        Callable<Boolean> probe = () -> {
            Path path = new Path(uri);
            return path.getFileSystem(conf).exists(path);
        };
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread daemon = new Thread(runnable, "startup-probe " + flag);
            daemon.setDaemon(true);
            return daemon;
        });
        try {
            Future<Boolean> answer = thread.submit(probe);
            try {
                answer.get(Math.min(SAY_AFTER_SECONDS, timeoutSeconds), TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                LOG.info("Waiting up to {} s (startup-timeout-seconds) for the file system of {} {}", timeoutSeconds,
                        flag, uri);
            }
            try {
                answer.get(Math.max(0, timeoutSeconds - SAY_AFTER_SECONDS), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw new NoAnswer(flag + " " + uri + ": the file system did not answer within " + timeoutSeconds
                        + " s (startup-timeout-seconds): is the NameNode up and the URI right?");
            }
        } catch (ExecutionException e) {
            // It answered, with an error: the checks that follow report it in their own words.
            LOG.debug("Probe of {} failed", uri, e.getCause());
        } finally {
            thread.shutdownNow();
        }
    }
}

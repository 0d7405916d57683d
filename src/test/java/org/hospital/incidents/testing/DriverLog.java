package org.hospital.incidents.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The console of a driver started with {@link Scripts#start}: its per-batch summary lines. */
public final class DriverLog {

    private final Path log;
    private final Process driver;

    /**
     * @param log the file receiving the driver's stdout and stderr
     * @param driver the driver process
     */
    public DriverLog(Path log, Process driver) {
        this.log = log;
        this.driver = driver;
    }

    /**
     * @return the summary lines ({@code batch <time>: N accepted, ...}) of batches that accepted reports
     * @throws IOException on a read error
     */
    public List<String> batchesWithData() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("batch ") && !l.contains(": 0 accepted")).toList();
    }

    /**
     * Waits until the driver printed {@code count} batch summaries with accepted reports (or one, once
     * {@code oneIsEnough} holds).
     *
     * @param count batches with data to wait for
     * @param oneIsEnough when true, a single batch with data is enough (e.g. no more data will arrive)
     * @throws Exception when the driver exits first or 120 s pass
     */
    public void awaitBatchesWithData(int count, BooleanSupplier oneIsEnough) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            int batches = batchesWithData().size();
            if (batches >= count || (batches >= 1 && oneIsEnough.getAsBoolean())) {
                return;
            }
            if (!driver.isAlive()) {
                throw new AssertionError("driver exited early: " + text());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("driver processed fewer than " + count + " batches: " + text());
    }

    /**
     * @return the whole console so far
     * @throws IOException on a read error
     */
    public String text() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}

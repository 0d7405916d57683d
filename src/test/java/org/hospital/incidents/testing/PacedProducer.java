package org.hospital.incidents.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;

/**
 * Produces corpora into a Kafka topic in chunks of {@code chunk} lines, one chunk per second, on its own thread:
 * data that keeps arriving while a test injects a fault.
 */
public final class PacedProducer implements AutoCloseable {

    private final Thread thread;
    private final AtomicReference<Exception> error = new AtomicReference<>();

    /**
     * Starts producing.
     *
     * @param kafka the broker
     * @param topic topic
     * @param corpora corpora, produced in order
     * @param chunk lines per second
     */
    public PacedProducer(LocalKafka kafka, String topic, List<Corpus> corpora, int chunk) {
        thread = new Thread(() -> {
            try {
                for (Corpus corpus : corpora) {
                    List<String> lines = corpus.lines();
                    for (int i = 0; i < lines.size(); i += chunk) {
                        kafka.produce(topic, lines.subList(i, Math.min(lines.size(), i + chunk)));
                        Thread.sleep(1000);
                    }
                }
            } catch (Exception e) {
                error.set(e);
            }
        }, "paced-producer");
        thread.start();
    }

    /** @return true while lines remain to be produced */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Waits until every line was produced and acknowledged.
     *
     * @param minutes how long to wait
     * @throws Exception the producer's error, or when it did not finish in time
     */
    public void await(long minutes) throws Exception {
        thread.join(TimeUnit.MINUTES.toMillis(minutes));
        if (thread.isAlive()) {
            throw new AssertionError("producer did not finish in " + minutes + " min");
        }
        if (error.get() != null) {
            throw error.get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}

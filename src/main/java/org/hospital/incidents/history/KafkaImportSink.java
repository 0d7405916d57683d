package org.hospital.incidents.history;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hospital.incidents.support.KafkaClients;
import org.hospital.incidents.support.KafkaProducers;
import org.hospital.incidents.support.OwnerOnly;

/**
 * Sends imported records into the stream's Kafka topic (DESIGN.md "History"), one record per row, key = wardId (as
 * the feeder and the review tool key them, so a ward's reports stay in order in one partition), value = the record
 * line; at most {@code rate} records per second, so a year of history does not crowd out the live stream.
 *
 * <p>Idempotent producer with {@code acks=all}: a retried send is never written twice. Sends are asynchronous;
 * {@link #commit()} flushes and fails when any record was not acknowledged, naming how many and the first error (the
 * importer exits 1: those rows must be sent again).
 */
public final class KafkaImportSink implements HistoryImport.Sink {

    private final Producer<String, String> producer;
    private final String topic;
    private final double rate;
    private final Path rejectedReport;
    private long sent;
    private long startNanos;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /**
     * @param bootstrap Kafka bootstrap servers
     * @param clientSettings the job's {@code kafka.client.*} settings (security; secrets as references)
     * @param topic the stream's input topic
     * @param rate most records per second (positive)
     * @param rejectedReport where the rejected-rows report goes (local file)
     */
    public KafkaImportSink(String bootstrap, java.util.Map<String, String> clientSettings, String topic, double rate,
            Path rejectedReport) {
        this(new KafkaProducer<>(producerProperties(bootstrap, clientSettings)), topic, rate, rejectedReport);
    }

    KafkaImportSink(Producer<String, String> producer, String topic, double rate, Path rejectedReport) {
        this.producer = producer;
        this.topic = topic;
        this.rate = rate;
        this.rejectedReport = rejectedReport;
    }

    static Properties producerProperties(String bootstrap, java.util.Map<String, String> clientSettings) {
        Properties props = KafkaProducers.idempotentStrings(bootstrap, clientSettings);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        // Bounds the wait for metadata when the broker is unreachable: the import fails instead of hanging.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return props;
    }

    @Override
    public JsonWriter begin(String source) {
        return null;
    }

    @Override
    public void accepted(String wardId, String recordLine) throws IOException {
        if (firstFailure.get() != null) {
            // Kafka refuses (credentials, authorisation, a lost broker): stop at once rather than fail every row.
            throw new IOException("Kafka did not acknowledge a record: " + KafkaClients.describe(firstFailure.get()));
        }
        pace();
        producer.send(new ProducerRecord<>(topic, wardId, recordLine), (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
            }
        });
        sent++;
    }

    /** Waits until the next record is due: record i is due i / rate seconds after the first. */
    private void pace() throws IOException {
        long now = System.nanoTime();
        if (sent == 0) {
            startNanos = now;
            return;
        }
        long due = startNanos + (long) (sent * 1e9 / rate);
        if (due > now) {
            try {
                TimeUnit.NANOSECONDS.sleep(due - now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pacing", e);
            }
        }
    }

    @Override
    public void commit() throws IOException {
        producer.flush();
        if (failed.get() > 0) {
            throw new IOException("Kafka did not acknowledge " + failed.get() + " of " + sent + " records (first: "
                    + KafkaClients.describe(firstFailure.get()) + ")");
        }
    }

    @Override
    public OutputStream rejectedReport() throws IOException {
        return OwnerOnly.newOutputStream(rejectedReport);
    }

    @Override
    public String rejectedReportName() {
        return rejectedReport.toAbsolutePath().toString();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}

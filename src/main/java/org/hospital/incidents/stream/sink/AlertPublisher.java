package org.hospital.incidents.stream.sink;

import com.google.gson.JsonParser;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.api.java.JavaRDD;
import org.hospital.incidents.support.KafkaClients;
import org.hospital.incidents.support.KafkaProducers;

/**
 * Publishes a batch's alerts to a Kafka topic ({@code --alerts-topic}, DESIGN.md "Alerts to Kafka"): key = alertId,
 * value = the alert's JSON line as in {@code alerts/}; called after the batch's files are written and before its
 * offsets are committed, so an alert is in Kafka at least once: a driver killed in between re-runs the batch and
 * publishes its alerts again (same alertIds), and consumers de-duplicate by alertId.
 *
 * <p>Runs in the tasks that hold the alerts (the output job's records, recomputed from the cached slices), with one
 * idempotent producer ({@code acks=all}) per executor JVM and bootstrap servers, closed at JVM exit: the pattern of
 * Spark's streaming guide ("Design Patterns for using foreachRDD"). A send that fails fails the batch, which stops
 * the stream like any failed output (the batch is re-run on restart).
 *
 * <p>Serializable: captured in the output operation and so in the checkpoint; it holds settings only.
 */
public final class AlertPublisher implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Map<String, Producer<String, String>> PRODUCERS = new ConcurrentHashMap<>();

    private final String bootstrap;
    private final String topic;
    private final TreeMap<String, String> clientProps;

    /**
     * @param bootstrap Kafka bootstrap servers (the input's, {@code --kafka})
     * @param topic the alerts topic
     * @param clientProps the job's Kafka client settings ({@code kafka.client.*} and {@code kafka.consumer.*}, secrets
     *     as references); the ones producers understand are used
     */
    public AlertPublisher(String bootstrap, String topic, Map<String, String> clientProps) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.clientProps = new TreeMap<>(KafkaClients.forProducer(clientProps));
    }

    /** @return the alerts topic */
    public String topic() {
        return topic;
    }

    /**
     * Publishes every alert of a batch and waits for Kafka's acknowledgements.
     *
     * @param records the batch's output records (alerts are those of CRITICAL and SURGE)
     * @return the number of alerts published
     */
    public long publish(JavaRDD<OutputRecord> records) {
        return records.filter(r -> (r.output() == BatchOutcomes.Output.CRITICAL_ALERTS
                        || r.output() == BatchOutcomes.Output.SURGE_ALERTS) && r.line() != null)
                .mapPartitions(alerts -> List.of(send(alerts)).iterator())
                .fold(0L, Long::sum);
    }

    private long send(Iterator<OutputRecord> alerts) throws InterruptedException, ExecutionException {
        if (!alerts.hasNext()) {
            return 0L;
        }
        Producer<String, String> producer = producer();
        List<Future<?>> acks = new ArrayList<>();
        while (alerts.hasNext()) {
            String json = alerts.next().line();
            String alertId = JsonParser.parseString(json).getAsJsonObject().get("alertId").getAsString();
            acks.add(producer.send(new ProducerRecord<>(topic, alertId, json)));
        }
        for (Future<?> ack : acks) {
            ack.get(); // a failure fails the task, and with it the batch
        }
        return acks.size();
    }

    private Producer<String, String> producer() {
        return PRODUCERS.computeIfAbsent(bootstrap + "|" + clientProps, k -> {
            KafkaProducer<String, String> producer = new KafkaProducer<>(
                    KafkaProducers.idempotentStrings(bootstrap, clientProps));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> producer.close(Duration.ofSeconds(5)),
                    "alerts-producer-close"));
            return producer;
        });
    }
}

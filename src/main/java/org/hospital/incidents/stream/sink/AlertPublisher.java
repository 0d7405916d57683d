package org.hospital.incidents.stream.sink;

import com.google.gson.JsonParser;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.api.java.JavaRDD;
import org.hospital.incidents.support.KafkaClients;
import org.hospital.incidents.support.KafkaProducers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch's alerts to a Kafka topic ({@code --alerts-topic}) exactly once for {@code read_committed}
 * consumers (docs/DESIGN.md "One driver, alerts exactly once…"; Kafka's transactions, KIP-98; Spark's streaming guide,
 * "Semantics of output operations": a transactional update keyed by the batch time). Key = alertId, value = the alert's
 * JSON line as in {@code alerts/}.
 *
 * <p>Each batch's alerts go in one transaction of a producer whose {@code transactional.id} is fixed per consumer group
 * ({@code hospital-incident-alerts-<group>}), together with a progress record, key = the group, value = the batch time,
 * in the compacted topic {@code <alerts-topic>-progress}. So:
 * <ul>
 *   <li>a batch re-run after a crash (Spark re-runs the batches of the checkpoint) whose transaction committed is
 *   recognised by its batch time and publishes nothing; one whose transaction did not commit was aborted when the new
 *   driver's producer started ({@code initTransactions}) and is published again, once;
 *   <li>a zombie driver (one that lost its checkpoint but still runs) is fenced by the new driver's producer: its
 *   commit fails, and with it its batch.
 * </ul>
 * A {@code read_uncommitted} consumer may see the alerts of an aborted transaction, so an alert twice across a crash
 * (docs/RELIABILITY.md).
 *
 * <p>Runs on the driver, after the batch's files are written and before its offsets are committed: the batch's alerts
 * are collected (one small Spark job, as the previous per-task sends were) and sent by one producer per JVM and
 * transactional id. Serializable: captured in the output operation and so in the checkpoint; it holds settings only.
 */
public final class AlertPublisher implements Serializable {

    private static final long serialVersionUID = 2L;

    private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);

    /** The producer and what it last published, per JVM and transactional id. */
    private static final Map<String, Transactional> PRODUCERS = new ConcurrentHashMap<>();

    private final String bootstrap;
    private final String topic;
    private final String groupId;
    private final TreeMap<String, String> clientProps;

    /**
     * @param bootstrap Kafka bootstrap servers (the input's, {@code --kafka})
     * @param topic the alerts topic
     * @param groupId the job's consumer group: one transactional id per group
     * @param clientProps the job's Kafka client settings ({@code kafka.client.*} and {@code kafka.consumer.*}, secrets
     *     as references); the ones producers, consumers and admin clients understand are used
     */
    public AlertPublisher(String bootstrap, String topic, String groupId, Map<String, String> clientProps) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.groupId = groupId;
        this.clientProps = new TreeMap<>(clientProps);
    }

    /** @return the alerts topic */
    public String topic() {
        return topic;
    }

    /** @return the compacted topic of the progress records: {@code <alerts-topic>-progress} */
    public String progressTopic() {
        return topic + "-progress";
    }

    /** @return the producer's transactional id, fixed per consumer group */
    public String transactionalId() {
        return "hospital-incident-alerts-" + groupId;
    }

    /**
     * Publishes every alert of a batch in one transaction with the batch's progress record, unless a committed
     * transaction already holds this batch.
     *
     * @param batchTime the batch time, epoch millis
     * @param records the batch's output records (alerts are those of CRITICAL and SURGE)
     * @return the number of alerts published (0 for a batch published before)
     * @throws KafkaException when the transaction fails (the batch fails, and is re-run on restart)
     */
    public long publish(long batchTime, JavaRDD<OutputRecord> records) {
        Transactional tx = PRODUCERS.computeIfAbsent(transactionalId(), id -> new Transactional(this));
        synchronized (tx) {
            if (batchTime <= tx.lastPublished) {
                LOG.info("Alerts of batch {} are already on {} (published up to batch {}): not sent again", batchTime,
                        topic, tx.lastPublished);
                return 0;
            }
            List<String> alerts = records.filter(r -> (r.output() == BatchOutcomes.Output.CRITICAL_ALERTS
                    || r.output() == BatchOutcomes.Output.SURGE_ALERTS) && r.line() != null)
                    .map(OutputRecord::line).collect();
            try {
                tx.producer.beginTransaction();
                for (String json : alerts) {
                    String alertId = JsonParser.parseString(json).getAsJsonObject().get("alertId").getAsString();
                    tx.producer.send(new ProducerRecord<>(topic, alertId, json));
                }
                tx.producer.send(new ProducerRecord<>(progressTopic(), groupId, Long.toString(batchTime)));
                tx.producer.commitTransaction();
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                // Fatal for this producer (another driver took the transactional id): this driver stops.
                PRODUCERS.remove(transactionalId(), tx);
                tx.producer.close(Duration.ZERO);
                throw e;
            } catch (KafkaException e) {
                tx.producer.abortTransaction();
                throw e;
            }
            tx.lastPublished = batchTime;
            return alerts.size();
        }
    }

    /** A transactional producer, started (zombies fenced, open transactions aborted), and the progress it read. */
    private static final class Transactional {
        private final KafkaProducer<String, String> producer;
        private long lastPublished;

        Transactional(AlertPublisher publisher) {
            ensureProgressTopic(publisher);
            Properties props = KafkaProducers.idempotentStrings(publisher.bootstrap, publisher.clientProps);
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, publisher.transactionalId());
            producer = new KafkaProducer<>(props);
            // Fences an earlier producer with this id and aborts its open transaction: after this, the progress
            // topic's committed records are all there will ever be of the earlier drivers.
            producer.initTransactions();
            lastPublished = readProgress(publisher);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> producer.close(Duration.ofSeconds(5)),
                    "alerts-producer-close"));
            LOG.info("Alerts to {}: transactional id {}, published up to batch {}", publisher.topic,
                    publisher.transactionalId(), lastPublished == Long.MIN_VALUE ? "none" : lastPublished);
        }
    }

    private static void ensureProgressTopic(AlertPublisher publisher) {
        Properties props = new Properties();
        props.putAll(KafkaClients.forEveryClient(publisher.clientProps));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, publisher.bootstrap);
        try (Admin admin = Admin.create(props)) {
            NewTopic progress = new NewTopic(publisher.progressTopic(), Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(progress)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("cannot create " + publisher.progressTopic() + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating " + publisher.progressTopic(), e);
        } catch (TimeoutException e) {
            throw new KafkaException("no answer creating " + publisher.progressTopic(), e);
        }
    }

    /** @return the batch time of the group's last committed progress record, or {@link Long#MIN_VALUE} */
    private static long readProgress(AlertPublisher publisher) {
        Properties props = new Properties();
        props.putAll(KafkaClients.forEveryClient(publisher.clientProps));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, publisher.bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long last = Long.MIN_VALUE;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(publisher.progressTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // For read_committed, the end offsets are the last stable offsets: every committed record is before.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read " + publisher.progressTopic() + " within 60 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (publisher.groupId.equals(record.key()) && record.value() != null) {
                        last = Math.max(last, Long.parseLong(record.value()));
                    }
                }
            }
        }
        return last;
    }
}

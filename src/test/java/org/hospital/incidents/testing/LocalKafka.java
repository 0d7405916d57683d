package org.hospital.incidents.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** A real KRaft broker started with the project's own {@code bin/kafka-local}, on free ports in a temp folder. */
public final class LocalKafka implements AutoCloseable {

    private final Map<String, String> env = new HashMap<>();
    private final Path data;
    private final int port;
    private int saslPort = -1;

    /**
     * Starts the broker and waits until it accepts connections.
     *
     * @throws Exception when it does not start
     */
    public LocalKafka() throws Exception {
        this(null);
    }

    /**
     * Starts the broker with a second listener that requires SASL/PLAIN ({@code bin/kafka-local}'s
     * {@code KAFKA_SASL_PORT}), and waits until both accept connections.
     *
     * @param saslUsers {@code user:password,...} allowed on the SASL listener, or null for none
     * @throws Exception when it does not start
     */
    public LocalKafka(String saslUsers) throws Exception {
        data = Files.createTempDirectory("kafka-local-it");
        port = Scripts.freePort();
        env.put("KAFKA_PORT", Integer.toString(port));
        env.put("KAFKA_CONTROLLER_PORT", Integer.toString(Scripts.freePort()));
        env.put("KAFKA_DATA", data.toString());
        if (saslUsers != null) {
            saslPort = Scripts.freePort();
            env.put("KAFKA_SASL_PORT", Integer.toString(saslPort));
            env.put("KAFKA_SASL_USERS", saslUsers);
        }
        start();
    }

    /** @return {@code 127.0.0.1:PORT} of the SASL/PLAIN listener */
    public String saslBootstrap() {
        if (saslPort < 0) {
            throw new IllegalStateException("started without a SASL listener");
        }
        return "127.0.0.1:" + saslPort;
    }

    /**
     * {@code bin/kafka-local start}: starts the broker (again, on the same port and data) and waits until it
     * accepts connections.
     *
     * @throws Exception when it does not start
     */
    public void start() throws Exception {
        Scripts.Result result = Scripts.run(env, 180, "kafka-local", "start");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kafka-local start failed: " + result.stderr());
        }
    }

    /**
     * {@code bin/kafka-local stop}: stops the broker, keeping its data.
     *
     * @throws Exception when it does not stop
     */
    public void stop() throws Exception {
        Scripts.Result result = Scripts.run(env, 120, "kafka-local", "stop");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kafka-local stop failed: " + result.stderr());
        }
    }

    /**
     * Deletes every record below the given offsets, as retention would ({@code Admin.deleteRecords}).
     *
     * @param offsets per partition, the new log start offset
     * @throws Exception on a Kafka error
     */
    public void deleteRecordsBefore(Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, RecordsToDelete> request = new HashMap<>();
        offsets.forEach((tp, offset) -> request.put(tp, RecordsToDelete.beforeOffset(offset)));
        try (Admin admin = admin()) {
            admin.deleteRecords(request).all().get();
        }
    }

    /** @return {@code 127.0.0.1:PORT} */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** @return environment for further bin/kafka-local calls against this broker */
    public Map<String, String> env() {
        return env;
    }

    /**
     * @param topic topic name
     * @param partitions partitions
     * @throws Exception on a Kafka error
     */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /**
     * Produces lines (unkeyed: spread over partitions) and waits for every acknowledgement.
     *
     * @param topic topic
     * @param lines record values
     * @throws Exception on a Kafka error
     */
    public void produce(String topic, List<String> lines) throws Exception {
        produce(topic, null, lines);
    }

    /**
     * Produces lines into one partition, in order, and waits for every acknowledgement.
     *
     * @param topic topic
     * @param partition the partition, or null to spread unkeyed lines over the partitions
     * @param lines record values
     * @throws Exception on a Kafka error
     */
    public void produce(String topic, Integer partition, List<String> lines) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Not idempotent: after deleteRecords empties a partition, the 3.4 broker answers an idempotent producer
        // with OUT_OF_ORDER_SEQUENCE_NUMBER for minutes. One request in flight keeps the order without it.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topic, partition, null, line));
            }
            producer.flush();
        }
    }

    /**
     * @param group consumer group
     * @return its committed offset per partition
     * @throws ExecutionException on a Kafka error
     * @throws InterruptedException when interrupted
     */
    public Map<TopicPartition, Long> committed(String group) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> result = new HashMap<>();
            offsets.forEach((tp, om) -> result.put(tp, om.offset()));
            return result;
        }
    }

    /**
     * @param topic topic
     * @param partitions its partition count
     * @return log-end offset per partition
     * @throws ExecutionException on a Kafka error
     * @throws InterruptedException when interrupted
     */
    public Map<TopicPartition, Long> endOffsets(String topic, int partitions)
            throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> result = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
            return result;
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(props);
    }

    @Override
    public void close() throws Exception {
        Scripts.Result result = Scripts.run(env, 120, "kafka-local", "stop");
        if (result.exitCode() != 0) {
            System.err.println("kafka-local stop: " + result.stderr());
        }
        TestFiles.deleteRecursively(data);
    }


    /**
     * Reads a topic from the beginning to its current end.
     *
     * @param topic topic
     * @return every record's key (null when it has none) and value, in partition order
     */
    public List<Map.Entry<String, String>> consumeAll(String topic) {
        return consumeAll(topic, "read_uncommitted");
    }

    /**
     * @param topic a topic
     * @param isolation {@code read_committed} (what a transactional consumer sees) or {@code read_uncommitted}
     * @return every record of the topic that a consumer at that isolation level reads, as (key, value), in order
     */
    public List<Map.Entry<String, String>> consumeAll(String topic, String isolation) {
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class);
        List<Map.Entry<String, String>> records = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(500))
                        .forEach(r -> records.add(new java.util.AbstractMap.SimpleEntry<>(r.key(), r.value())));
            }
        }
        return records;
    }
}

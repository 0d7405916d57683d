package org.hospital.incidents.stream.restart;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.support.KafkaClients;

/**
 * One live driver per consumer group (DESIGN.md "Restarts and upgrades"): a lease the driver renews every
 * {@link #RENEW_INTERVAL} in a compacted Kafka topic ({@value #TOPIC}, one record per group id, key = group id).
 *
 * <p>Why a lease: the driver's consumer uses static membership (a restarted driver takes its crashed
 * predecessor's place at once), so a second driver on the same group would fence the live one and take its
 * partitions. Kafka alone cannot tell a live static member from a crashed one until its session times out. The
 * lease can: a live driver's lease is renewed every second, a crashed driver's stops.
 *
 * <p>At start ({@link #acquire}): no lease, a released one (graceful stop) or one older than {@link #TTL} is free;
 * a younger one is watched until {@link #TTL} after its last renewal: renewed again means a live driver (refused
 * unless {@code --takeover}), silent means a crashed one (taken over). A driver restarted right after a SIGKILL
 * therefore waits at most {@link #TTL}. The topic lives on the same brokers as the input, so every driver of a
 * group sees the same leases.
 */
public final class DriverLease implements AutoCloseable {

    /** Compacted topic of leases, created when missing. */
    public static final String TOPIC = "hospital-incident-driver-leases";

    /** How often a live driver renews its lease. */
    public static final Duration RENEW_INTERVAL = Duration.ofSeconds(1);

    /** A lease not renewed for this long belongs to a driver that is gone. */
    public static final Duration TTL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(DriverLease.class);

    private final String groupId;
    private final String holder;
    private final String checkpoint;
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService renewer;
    private boolean closed;

    /** Thrown when a live driver holds the group's lease. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    private DriverLease(String groupId, String checkpoint, Map<String, Object> clientProps) {
        this.groupId = groupId;
        this.checkpoint = checkpoint;
        this.holder = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "driver-lease-" + groupId);
        this.producer = new KafkaProducer<>(props);
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "driver-lease-" + groupId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes the group's lease and starts renewing it.
     *
     * @param bootstrap Kafka bootstrap servers of the input
     * @param groupId the consumer group
     * @param checkpoint this driver's checkpoint directory (shown to a refused second driver)
     * @param clientProps the job's consumer settings ({@code kafka.client.*} and {@code kafka.consumer.*}), filtered
     *     to the ones every Kafka client understands (security settings, config providers)
     * @param takeover take the lease even from a live driver ({@code --takeover})
     * @param startupTimeoutSeconds most seconds to wait for a broker to answer (config key
     *     {@code startup-timeout-seconds})
     * @return the lease, renewed every {@link #RENEW_INTERVAL} until {@link #close()}
     * @throws HeldException when a live driver holds it and {@code takeover} is false; the message is one line
     * @throws InterruptedException when interrupted while watching a lease
     * @throws IllegalStateException when Kafka cannot be reached to read or write the lease
     */
    public static DriverLease acquire(String bootstrap, String groupId, String checkpoint,
            Map<String, String> clientProps, boolean takeover, int startupTimeoutSeconds)
            throws HeldException, InterruptedException {
        // Only what every client understands (security settings and the like), not the consumer's fetch sizes.
        Map<String, Object> props = new HashMap<>(KafkaClients.forEveryClient(clientProps));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // An unreachable broker makes each client log a warning per reconnect (about two a second at Kafka's
        // defaults); backing off to 10 s keeps the start-up wait readable. The stream's consumer keeps its defaults.
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "1000");
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        ensureTopic(props, bootstrap, startupTimeoutSeconds);
        if (!takeover) {
            Optional<String> live = liveHolder(props, groupId);
            if (live.isPresent()) {
                throw new HeldException("a live driver uses --group-id " + groupId + " (" + live.get() + "); a "
                        + "second one would fence it and take its partitions. Stop it first, use another "
                        + "--group-id, or start with --takeover to replace it.");
            }
        } else {
            LOG.warn("--takeover: taking the lease of --group-id {} whatever holds it", groupId);
        }
        DriverLease lease = new DriverLease(groupId, checkpoint, props);
        lease.renew(false);
        lease.renewer.scheduleAtFixedRate(() -> lease.renew(false), RENEW_INTERVAL.toMillis(),
                RENEW_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Holding the driver lease of --group-id {} ({} in Kafka topic {})", groupId, lease.holder, TOPIC);
        return lease;
    }

    private void renew(boolean released) {
        JsonObject value = new JsonObject();
        value.addProperty("holder", holder);
        value.addProperty("checkpoint", checkpoint);
        value.addProperty("renewedAt", Instant.now().toString());
        value.addProperty("released", released);
        try {
            producer.send(new ProducerRecord<>(TOPIC, groupId, value.toString()));
        } catch (RuntimeException e) {
            LOG.warn("Cannot renew the driver lease of --group-id {}: {}", groupId, e.toString());
        }
    }

    /** Stops renewing and releases the lease, so the next driver of the group starts at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        renewer.shutdownNow();
        renew(true);
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * @param props client properties with the bootstrap servers
     * @param groupId the group
     * @return a description of the live driver holding the group's lease, or empty when the lease is free
     * @throws InterruptedException when interrupted while watching
     */
    static Optional<String> liveHolder(Map<String, Object> props, String groupId) throws InterruptedException {
        Map<String, Object> consumerProps = new HashMap<>(props);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "driver-lease-check-" + groupId);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            ConsumerRecord<String, String> latest = null;
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (groupId.equals(record.key())) {
                        latest = record;
                    }
                }
            }
            if (latest == null || isReleased(latest)) {
                return Optional.empty();
            }
            long deadline = latest.timestamp() + TTL.toMillis();
            String lastHolder = holderOf(latest);
            // Watch for a renewal until TTL after the last one: a live driver renews every second.
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (groupId.equals(record.key())) {
                        if (isReleased(record)) {
                            return Optional.empty();
                        }
                        return Optional.of(holderOf(record) + ", checkpoint "
                                + JsonParser.parseString(record.value()).getAsJsonObject().get("checkpoint")
                                        .getAsString() + ", renewed " + Instant.ofEpochMilli(record.timestamp()));
                    }
                }
            }
            LOG.info("The driver lease of --group-id {} was last renewed at {} by {}, which is gone: taking over",
                    groupId, Instant.ofEpochMilli(latest.timestamp()), lastHolder);
            return Optional.empty();
        }
    }

    private static boolean isReleased(ConsumerRecord<String, String> record) {
        return record.value() == null
                || JsonParser.parseString(record.value()).getAsJsonObject().get("released").getAsBoolean();
    }

    private static String holderOf(ConsumerRecord<String, String> record) {
        return "driver " + JsonParser.parseString(record.value()).getAsJsonObject().get("holder").getAsString();
    }

    private static void ensureTopic(Map<String, Object> props, String bootstrap, int timeoutSeconds) {
        Admin admin = Admin.create(props);
        try {
            Set<String> topics = admin.listTopics().names().get(timeoutSeconds, TimeUnit.SECONDS);
            if (topics.contains(TOPIC)) {
                return;
            }
            NewTopic topic = new NewTopic(TOPIC, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the driver lease topic " + TOPIC + ": " + e.getCause(),
                        e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no Kafka broker at " + bootstrap + " answered within " + timeoutSeconds
                    + " s (startup-timeout-seconds): is --kafka right and the broker up?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            // Not close(): it waits for the pending calls to time out on their own (60 s by default).
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

package org.hospital.incidents.support;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Which of the configured Kafka client settings each kind of client the project makes receives: the job's
 * consumer takes them all; a producer (alerts, review decisions, imported rows, the feeder) or the driver lease's
 * admin client only those its Kafka class defines, plus the config-provider keys (KIP-297) that resolve
 * {@code ${provider:path:key}} references (docs/DESIGN.md "Privacy and hostile input").
 */
public final class KafkaClients {

    /** Kafka's key listing the config providers; {@code config.providers.<name>.class} names each one's class. */
    public static final String PROVIDERS = "config.providers";

    private static final Set<String> COMMON = common();

    private KafkaClients() {
    }

    /**
     * @param name a client setting without prefix
     * @return true for {@code config.providers} and its {@code config.providers.*} sub-keys
     */
    public static boolean isProviderKey(String name) {
        return name.equals(PROVIDERS) || name.startsWith(PROVIDERS + ".");
    }

    /** @return the settings that Kafka 3.4's consumer, producer and admin client all define */
    public static Set<String> commonNames() {
        return COMMON;
    }

    /**
     * @param settings client settings without prefix (the consumer's, a superset)
     * @return those a producer takes, with the provider keys
     */
    public static Map<String, String> forProducer(Map<String, String> settings) {
        return filter(settings, ProducerConfig.configNames());
    }

    /**
     * @param settings client settings without prefix (the consumer's, a superset)
     * @return those that the consumer, producer and admin client all take, with the provider keys
     */
    public static Map<String, String> forEveryClient(Map<String, String> settings) {
        return filter(settings, COMMON);
    }

    /**
     * @param failure what a Kafka client threw (often wrapped: {@code ExecutionException}, {@code KafkaException})
     * @return one line for the user: the innermost cause's simple class name and message, e.g.
     *     {@code SaslAuthenticationException: Authentication failed during authentication due to invalid
     *     credentials with SASL mechanism PLAIN}
     */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return (root.getClass().getSimpleName() + message).replaceAll("[\\r\\n]+", " ");
    }

    private static Map<String, String> filter(Map<String, String> settings, Set<String> names) {
        Map<String, String> result = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (names.contains(key) || isProviderKey(key)) {
                result.put(key, value);
            }
        });
        return result;
    }

    private static Set<String> common() {
        Set<String> names = new TreeSet<>(ConsumerConfig.configNames());
        names.retainAll(ProducerConfig.configNames());
        names.retainAll(AdminClientConfig.configNames());
        return java.util.Collections.unmodifiableSet(names);
    }
}

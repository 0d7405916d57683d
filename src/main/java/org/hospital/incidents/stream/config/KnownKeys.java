package org.hospital.incidents.stream.config;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.OptionalConfigEntry;

/**
 * The settings Spark Streaming and the Kafka consumer actually know, so that a typo in the config file fails the
 * start (exit 2) instead of silently doing nothing: {@code spark.streaming.backpresure.enabled} would otherwise
 * leave backpressure off with no word.
 *
 * <p>Sources of the rules: Spark 3.5's own configuration entries for streaming ({@code StreamingConf}) and for
 * the Kafka 0-10 integration (its package object), read by reflection so the list follows the Spark on the
 * classpath; Kafka's {@link ConsumerConfig#configNames()} and its own type checks for values.
 */
final class KnownKeys {

    /** Consumer settings the application sets itself; the config file must not (DESIGN.md flags own them). */
    static final Map<String, String> OWNED_CONSUMER_KEYS = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "use --kafka",
            ConsumerConfig.GROUP_ID_CONFIG, "use --group-id",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "use kafka.auto-offset-reset",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "offsets are committed after each batch's outputs are written",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the job reads keys as text",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the job reads values as bytes to check their UTF-8");

    private static final Set<String> STREAMING_KEYS = streamingKeys();

    private KnownKeys() {
    }

    /**
     * @param key a {@code spark.streaming.*} key
     * @return null when Spark knows it, else why not (with the closest known key)
     */
    static String checkStreamingKey(String key) {
        if (STREAMING_KEYS.contains(key)) {
            return null;
        }
        return "not a Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " streaming setting"
                + suggestion(key, STREAMING_KEYS);
    }

    /**
     * @param name a consumer setting, without the {@code kafka.consumer.} prefix
     * @return null when the consumer knows it and the application does not own it, else why not
     */
    static String checkConsumerKey(String name) {
        String owner = OWNED_CONSUMER_KEYS.get(name);
        if (owner != null) {
            return "set by the application, not here: " + owner;
        }
        if (!ConsumerConfig.configNames().contains(name)) {
            return "not a Kafka consumer setting" + suggestion(name, ConsumerConfig.configNames());
        }
        return null;
    }

    /**
     * Checks the values with Kafka's own parser (types, ranges, enumerations).
     *
     * @param consumer {@code kafka.consumer.*} settings without the prefix
     * @return null when Kafka accepts them, else Kafka's message (it names the setting)
     */
    static String checkConsumerValues(Map<String, String> consumer) {
        Properties props = new Properties();
        props.putAll(consumer);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try {
            // The definition's own parse: the same checks as a consumer, without logging every value.
            ConsumerConfig.configDef().parse(props);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    /**
     * @param key a mistyped key
     * @param known the keys it may have meant
     * @return {@code " (did you mean K?)"} for the closest known key within 3 edits, else empty
     */
    static String suggestionOf(String key, Collection<String> known) {
        return suggestion(key, known);
    }

    private static String suggestion(String key, Collection<String> known) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance.apply(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    /** Keys of every configuration entry of Spark Streaming and of its Kafka 0-10 integration. */
    private static Set<String> streamingKeys() {
        Set<String> keys = new TreeSet<>();
        for (String holder : new String[] {"org.apache.spark.streaming.StreamingConf$",
            "org.apache.spark.streaming.kafka010.package$"}) {
            try {
                Class<?> type = Class.forName(holder);
                Object module = type.getField("MODULE$").get(null);
                for (Method method : type.getMethods()) {
                    if (method.getParameterCount() == 0 && (ConfigEntry.class.isAssignableFrom(method.getReturnType())
                            || OptionalConfigEntry.class.isAssignableFrom(method.getReturnType()))) {
                        keys.add(((ConfigEntry<?>) method.invoke(module)).key());
                    }
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read Spark's streaming settings from " + holder, e);
            }
        }
        // Read by Spark but declared as plain strings rather than configuration entries.
        keys.add("spark.streaming.clock");
        return keys;
    }
}

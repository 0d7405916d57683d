package org.hospital.incidents.support;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Settings of the project's producers of JSON lines (review decisions, history rows, alerts). */
public final class KafkaProducers {

    private KafkaProducers() {
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @param clientSettings the {@code kafka.client.*} settings (security, config providers), prefix stripped; the
     *     ones a producer defines are applied first, so they cannot undo the settings below
     * @return String keys and values, {@code acks=all}, idempotent: a retried send is never written twice and an
     *     acknowledged record is on every in-sync replica; callers add their own timeouts and batching
     */
    public static Properties idempotentStrings(String bootstrap, java.util.Map<String, String> clientSettings) {
        Properties props = new Properties();
        props.putAll(KafkaClients.forProducer(clientSettings));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }
}

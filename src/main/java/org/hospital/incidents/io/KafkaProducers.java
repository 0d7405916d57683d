package org.hospital.incidents.io;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Settings of the project's producers of JSON lines (review decisions, history rows, alerts). */
public final class KafkaProducers {

    private KafkaProducers() {
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @return String keys and values, {@code acks=all}, idempotent: a retried send is never written twice and an
     *     acknowledged record is on every in-sync replica; callers add their own timeouts and batching
     */
    public static Properties idempotentStrings(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }
}

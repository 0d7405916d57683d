package org.hospital.incidents.stream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.hospital.incidents.stream.sink.AlertPublisher;
import org.hospital.incidents.support.KafkaClients;
import org.hospital.incidents.support.KafkaProducers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kafka.client.*} keys: which are taken, and how a literal secret becomes a reference to the file. */
class KafkaClientKeysTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"alice\" password=\"s3cret-Pw\";";

    @TempDir
    Path temp;

    private Path file(String content, String permissions) throws Exception {
        Path file = Files.writeString(temp.resolve("app.properties"), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private Settings parse(Path config) throws SettingsException {
        return CommandLineOptions.parse("--kafka", "k:9092", "--config", config.toString());
    }

    @Test
    void aLiteralSecretBecomesAReferenceThatKafkaResolvesFromTheFile() throws Exception {
        Path config = file("kafka.client.security.protocol=SASL_SSL\nkafka.client.sasl.mechanism=PLAIN\n"
                + "kafka.client.sasl.jaas.config=" + JAAS + "\nkafka.client.ssl.truststore.password=tr-pw\n",
                "rw-------");
        Settings settings = parse(config);
        Map<String, String> client = settings.kafkaClient();
        assertEquals("SASL_SSL", client.get("security.protocol"));
        assertEquals("${incidentconfig:" + config + ":kafka.client.sasl.jaas.config}", client.get("sasl.jaas.config"));
        assertEquals("${incidentconfig:" + config + ":kafka.client.ssl.truststore.password}",
                client.get("ssl.truststore.password"));
        assertEquals("incidentconfig", client.get("config.providers"));

        // Kafka's own resolution (KIP-297/421, as each client does when it is made) gives the password back.
        ConfigDef def = new ConfigDef().define("sasl.jaas.config", ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH,
                "jaas");
        AbstractConfig resolved = new AbstractConfig(def, new HashMap<>(client), false);
        assertEquals(JAAS, resolved.getPassword("sasl.jaas.config").value());

        // What a checkpoint keeps (the consumer's parameters, the alerts producer) and the settings file: no secret.
        for (Object kept : new Object[] {new HashMap<>(settings.kafkaConsumerParams()),
            new AlertPublisher("k:9092", "alerts", "g", settings.kafkaConsumerParams())}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(kept);
            }
            String serialized = bytes.toString(StandardCharsets.ISO_8859_1);
            assertFalse(serialized.contains("s3cret") || serialized.contains("tr-pw"), kept.toString());
            assertTrue(serialized.contains("${incidentconfig:"), "the reference is what is kept");
        }
        assertFalse(CheckpointSettings.frozen(settings).toString().contains("s3cret"));
    }

    @Test
    void everyClientGetsTheSecuritySettingsAndTheProvider() throws Exception {
        Settings settings = parse(file("kafka.client.security.protocol=SASL_PLAINTEXT\n"
                + "kafka.client.sasl.jaas.config=" + JAAS + "\nkafka.consumer.max.poll.records=10\n", "rw-------"));
        Properties producer = KafkaProducers.idempotentStrings("k:9092", Settings.kafkaClient(
                temp.resolve("app.properties").toString()));
        assertEquals("SASL_PLAINTEXT", producer.get("security.protocol"));
        assertEquals("incidentconfig", producer.get("config.providers"));
        assertEquals("all", producer.get(ProducerConfig.ACKS_CONFIG), "the project's own settings stay");
        Map<String, String> consumer = settings.kafkaConsumerParams();
        assertEquals("10", consumer.get("max.poll.records"));
        assertEquals("SASL_PLAINTEXT", consumer.get("security.protocol"));
        Map<String, String> lease = KafkaClients.forEveryClient(consumer);
        assertFalse(lease.containsKey("max.poll.records"), "a consumer-only setting stays with the consumer");
        assertTrue(lease.containsKey("sasl.jaas.config") && lease.containsKey("config.providers.incidentconfig.class"));
    }

    @Test
    void refusesWhatNotEveryClientTakesOwnedKeysAndTwoSettingsOfOneKey() throws Exception {
        String message = assertThrows(SettingsException.class, () -> parse(file(
                "kafka.client.max.poll.records=10\n", "rw-------"))).getMessage();
        assertEquals(temp.resolve("app.properties") + ": kafka.client.max.poll.records: not a setting every Kafka "
                + "client takes (a consumer-only setting: use kafka.consumer.max.poll.records)", message);
        message = assertThrows(SettingsException.class, () -> parse(file(
                "kafka.client.security.protocl=SSL\n", "rw-------"))).getMessage();
        assertTrue(message.endsWith("(did you mean security.protocol?)"), message);
        message = assertThrows(SettingsException.class, () -> parse(file(
                "kafka.client.bootstrap.servers=x:1\n", "rw-------"))).getMessage();
        assertTrue(message.endsWith("set by the application, not here: use --kafka"), message);
        message = assertThrows(SettingsException.class, () -> parse(file(
                "kafka.client.security.protocol=SSL\nkafka.consumer.security.protocol=SSL\n", "rw-------")))
                .getMessage();
        assertTrue(message.contains("kafka.consumer.security.protocol: also set as kafka.client.security.protocol"),
                message);
        message = assertThrows(SettingsException.class, () -> parse(file(
                "kafka.client.security.protocol=SASL\n", "rw-------"))).getMessage();
        assertTrue(message.contains("security.protocol"), message);
    }

    @Test
    void aFileHoldingASecretMustBeOwnerOnly() throws Exception {
        Path config = file("kafka.client.sasl.jaas.config=" + JAAS + "\n", "rw-r--r--");
        String message = assertThrows(SettingsException.class, () -> parse(config)).getMessage();
        assertEquals(config + ": holds a Kafka secret (kafka.client.sasl.jaas.config) and is readable or writable by "
                + "others; run: chmod 600 " + config, message);
        // The same rule for the tools, and for a consumer-only secret.
        Path consumer = file("kafka.consumer.ssl.key.password=k\n", "rw-r-----");
        assertThrows(SettingsException.class, () -> Settings.kafkaClient(consumer.toString()));
        assertThrows(SettingsException.class, () -> parse(consumer));
        // A reference written by the user is no literal: nothing to protect in this file, no provider added.
        Path referenced = file("kafka.client.config.providers=file\nkafka.client.config.providers.file.class="
                + "org.apache.kafka.common.config.provider.FileConfigProvider\nkafka.client.sasl.jaas.config="
                + "${file:/etc/kafka/client.properties:jaas}\n", "rw-r--r--");
        Map<String, String> client = parse(referenced).kafkaClient();
        assertEquals("${file:/etc/kafka/client.properties:jaas}", client.get("sasl.jaas.config"));
        assertEquals("file", client.get("config.providers"));
    }

    @Test
    void noKafkaClientKeysNoChange() throws Exception {
        Settings settings = parse(file("kafka.consumer.max.poll.records=10\n", "rw-r--r--"));
        assertTrue(settings.kafkaClient().isEmpty());
        assertFalse(KafkaClients.forProducer(settings.kafkaConsumerParams()).containsKey("config.providers"));
        assertEquals("10", settings.kafkaConsumerParams().get("max.poll.records"));
    }
}

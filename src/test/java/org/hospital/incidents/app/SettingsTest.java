package org.hospital.incidents.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hospital.incidents.testing.TestFiles;

class SettingsTest {

    @TempDir
    Path temp;

    private Settings parse(String... args) throws SettingsException {
        return CommandLineOptions.parse(args);
    }

    private String error(String... args) {
        return assertThrows(SettingsException.class, () -> parse(args)).getMessage();
    }

    @Test
    void usesDesignDefaults() throws Exception {
        Settings settings = parse("--socket", "localhost:9999", "--config", "config/application.properties");
        assertEquals("localhost", settings.socketHost());
        assertEquals(9999, settings.socketPort());
        assertNull(settings.kafkaBootstrap());
        assertEquals(List.of("hospital-incidents"), settings.topics());
        assertEquals("hospital-incident-streaming", settings.groupId());
        assertEquals("data/checkpoint", settings.checkpoint());
        assertEquals("data/out", settings.output());
        assertEquals(1, settings.graph().batchSeconds());
        assertEquals(60, settings.graph().windowSeconds());
        assertEquals(5, settings.graph().slideSeconds());
        assertEquals(10, settings.graph().surgeThreshold());
        assertEquals(0, settings.runSeconds());
        assertEquals(25, settings.graph().windowCheckpointSeconds());
        assertEquals("true", settings.sparkConf().get("spark.streaming.backpressure.enabled"));
    }

    @Test
    void shippedConfigFileRepeatsTheBuiltInDefaults() throws Exception {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config/application.properties"))) {
            file.load(in);
        }
        for (Map.Entry<String, String> entry : Settings.DEFAULTS.entrySet()) {
            assertEquals(entry.getValue(), file.getProperty(entry.getKey()), "key " + entry.getKey());
        }
    }

    @Test
    void flagsOverrideTheConfigFile() throws Exception {
        Path config = temp.resolve("app.properties");
        Files.writeString(config, "kafka=broker:9092\ntopics=a,b\nwindow-seconds=30\nkafka.consumer.client.id=x\n");
        Settings settings = parse("--config", config.toString(), "--window-seconds", "20", "--topics", "c");
        assertEquals("broker:9092", settings.kafkaBootstrap());
        assertEquals(List.of("c"), settings.topics());
        assertEquals(20, settings.graph().windowSeconds());
        assertEquals("x", settings.kafkaConsumer().get("client.id"));
    }

    @Test
    void namesTheFlagOfEveryBadValue() {
        assertTrue(error("--socket", "localhost").startsWith("--socket: expected HOST:PORT"));
        assertTrue(error("--socket", "h:99999").startsWith("--socket: expected a port"));
        assertTrue(error("--socket", "h:1", "--batch-seconds", "x").startsWith("--batch-seconds: expected a whole"));
        assertTrue(error("--socket", "h:1", "--batch-seconds", "0").startsWith("--batch-seconds:"));
        assertTrue(error("--socket", "h:1", "--batch-seconds", "2", "--window-seconds", "7")
                .startsWith("--window-seconds: must be a multiple of --batch-seconds"));
        assertTrue(error("--socket", "h:1", "--slide-seconds", "120").startsWith("--slide-seconds: must not exceed"));
        assertTrue(error("--socket", "h:1", "--surge-threshold", "-1").startsWith("--surge-threshold:"));
        assertTrue(error("--socket", "h:1", "--run-seconds", "soon").startsWith("--run-seconds:"));
        assertTrue(error("--kafka", "b:1", "--topics", ",").startsWith("--topics:"));
    }

    @Test
    void rejectsUnknownFlagsAndMissingValues() {
        assertTrue(error("--socket", "h:1", "--windows", "3").contains("--windows"));
        assertTrue(error("--socket").contains("--socket"));
    }

    @Test
    void requiresASource() {
        assertEquals("--socket or --kafka is required (both may be given)", error());
    }

    @Test
    void namesAMissingConfigFileByPath() {
        String message = error("--socket", "h:1", "--config", temp.resolve("nope.properties").toString());
        assertTrue(message.startsWith("--config: file not found: "));
        assertTrue(message.endsWith("nope.properties"));
    }

    @Test
    void rejectsUnknownConfigKeysAndBadConfigValuesNamingFileAndKey() throws Exception {
        Path config = temp.resolve("bad.properties");
        Files.writeString(config, "socket=h:1\nwindow-second=30\n");
        assertEquals(config + ": unknown key 'window-second'", error("--config", config.toString()));
        Files.writeString(config, "socket=h:1\nkafka.auto-offset-reset=oldest\n");
        assertTrue(error("--config", config.toString()).startsWith(config + ": kafka.auto-offset-reset: expected"));
        Files.writeString(config, "socket=h:1\nkafka.consumer.enable.auto.commit=true\n");
        assertTrue(error("--config", config.toString()).contains("enable.auto.commit"));
    }

    @Test
    void helpReturnsNoSettings() throws Exception {
        assertNull(parse("--help"));
    }

    /** Typos and settings the application owns fail the start with one line naming the key (issue 12). */
    @Test
    void unknownOrOwnedSparkStreamingAndKafkaKeysAreRefused() throws Exception {
        Path typo = TestFiles.configWith(temp.resolve("typo.properties"),
                "spark.streaming.backpresure.enabled=true\n");
        String message = error("--socket", "h:1", "--config", typo.toString());
        assertTrue(message.contains("spark.streaming.backpresure.enabled: not a Spark 3.5.1 streaming setting "
                + "(did you mean spark.streaming.backpressure.enabled?)"), message);

        Path kafka = TestFiles.configWith(temp.resolve("kafka.properties"), "kafka.consumer.max.pol.records=5\n");
        message = error("--socket", "h:1", "--config", kafka.toString());
        assertTrue(message.contains("kafka.consumer.max.pol.records: not a Kafka consumer setting (did you mean "
                + "max.poll.records?)"), message);

        Path owned = TestFiles.configWith(temp.resolve("owned.properties"), "kafka.consumer.group.id=other\n");
        message = error("--socket", "h:1", "--config", owned.toString());
        assertTrue(message.contains("kafka.consumer.group.id: set by the application, not here: use --group-id"),
                message);

        Path value = TestFiles.configWith(temp.resolve("value.properties"),
                "kafka.consumer.receive.buffer.bytes=lots\n");
        message = error("--socket", "h:1", "--config", value.toString());
        assertTrue(message.contains("receive.buffer.bytes") && message.contains("lots"), message);

        // Every key of the shipped file is known.
        parse("--socket", "h:1", "--config", "config/application.properties");
    }
}

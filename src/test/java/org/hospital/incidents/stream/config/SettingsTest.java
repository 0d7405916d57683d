package org.hospital.incidents.stream.config;

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
import org.hospital.incidents.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void alertsTopicNeedsKafkaAndIsKeptByTheCheckpoint() throws Exception {
        assertEquals("--alerts-topic: needs --kafka (alerts are published to the input's Kafka cluster)",
                error("--socket", "localhost:9999", "--alerts-topic", "alerts"));
        Settings settings = parse("--kafka", "k:9092", "--alerts-topic", "alerts");
        assertEquals("alerts", settings.alertsTopic());
        assertEquals("alerts", CheckpointSettings.frozen(settings).get(Setting.ALERTS_TOPIC.key()));
        assertNull(parse("--kafka", "k:9092").alertsTopic(), "off by default");
        assertEquals(60, settings.startupTimeoutSeconds());
        java.nio.file.Path file = java.nio.file.Files.writeString(temp.resolve("t.properties"),
                "startup-timeout-seconds=0\n");
        String message = error("--kafka", "k:9092", "--config", file.toString());
        assertTrue(message.contains("startup-timeout-seconds") && message.contains("0"), message);
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
        assertEquals(3600, settings.graph().allowedLatenessSeconds());
        assertEquals(300, settings.graph().maxFutureSeconds());
        assertEquals(null, settings.surgeLimits());
        assertEquals("true", settings.sparkConf().get("spark.streaming.backpressure.enabled"));
    }

    @Test
    void shippedConfigFileRepeatsTheBuiltInDefaults() throws Exception {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config/application.properties"))) {
            file.load(in);
        }
        for (Map.Entry<String, String> entry : SettingKeys.DEFAULTS.entrySet()) {
            assertEquals(entry.getValue(), file.getProperty(entry.getKey()), "key " + entry.getKey());
        }
        assertEquals("false", SettingKeys.DEFAULTS.get("spark.ui.killEnabled"), "the UI cannot kill the stream's jobs");
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

    /** Typos and settings the application owns fail the start with one line naming the key. */
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

    @Test
    void withoutAnyConfigFileTheShippedSafetyKeysStillApply() throws Exception {
        String before = System.clearProperty(SettingKeys.CONFIG_PROPERTY);
        try {
            Settings settings = parse("--socket", "h:1");
            assertNull(settings.configFile());
            assertEquals("true", settings.sparkConf().get("spark.streaming.backpressure.enabled"));
            assertEquals("2000", settings.sparkConf().get("spark.streaming.kafka.maxRatePerPartition"));
            assertEquals("60s", settings.sparkConf().get("spark.streaming.gracefulStopTimeout"));
            assertEquals("2000,45", settings.sparkConf().get("spark.hadoop.dfs.client.retry.policy.spec"));
            assertEquals("5000", settings.kafkaConsumer().get("max.poll.records"));
            assertEquals(168, settings.dedupHorizonHours());
        } finally {
            if (before != null) {
                System.setProperty(SettingKeys.CONFIG_PROPERTY, before);
            }
        }
    }

    @Test
    void theInstallationsConfigFileComesFromTheSystemPropertyAndTheFlagWins() throws Exception {
        Path installed = temp.resolve("installed.properties");
        Files.writeString(installed, "window-seconds=30\nspark.streaming.backpressure.initialRate=50\n");
        String before = System.setProperty(SettingKeys.CONFIG_PROPERTY, installed.toString());
        try {
            Settings settings = parse("--socket", "h:1");
            assertEquals(installed.toString(), settings.configFile());
            assertEquals(30, settings.graph().windowSeconds());
            assertEquals("50", settings.sparkConf().get("spark.streaming.backpressure.initialRate"));
            assertEquals("true", settings.sparkConf().get("spark.streaming.backpressure.enabled"),
                    "a key the file leaves out keeps its built-in default");
            Path other = temp.resolve("other.properties");
            Files.writeString(other, "window-seconds=20\n");
            assertEquals(20, parse("--socket", "h:1", "--config", other.toString()).graph().windowSeconds());
            System.setProperty(SettingKeys.CONFIG_PROPERTY, temp.resolve("gone.properties").toString());
            assertEquals("-D" + SettingKeys.CONFIG_PROPERTY + ": file not found: " + temp.resolve("gone.properties"),
                    error("--socket", "h:1"));
        } finally {
            if (before == null) {
                System.clearProperty(SettingKeys.CONFIG_PROPERTY);
            } else {
                System.setProperty(SettingKeys.CONFIG_PROPERTY, before);
            }
        }
    }

    @Test
    void theRestartFlagsAreParsed() throws Exception {
        Settings plain = parse("--socket", "h:1");
        assertTrue(!plain.resetState() && !plain.takeover());
        Settings both = parse("--socket", "h:1", "--reset-state", "--takeover");
        assertTrue(both.resetState() && both.takeover());
        assertEquals(Integer.valueOf(7), Integer.valueOf(parse("--socket", "h:1", "--config",
                TestFiles.configWith(temp.resolve("h.properties"), "dedup-horizon-hours=7\n").toString())
                .dedupHorizonHours()));
        assertTrue(error("--socket", "h:1", "--config", TestFiles.configWith(temp.resolve("z.properties"),
                "dedup-horizon-hours=-1\n").toString()).endsWith("dedup-horizon-hours: expected a whole number of "
                + "hours from 0 (no duplicate check) to 87840, got '-1'"));
    }

    @Test
    void aCheckpointKeepsItsSettingsAndADifferenceIsNamedFlagByFlag() throws Exception {
        Path checkpoint = temp.resolve("ckpt");
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        assertTrue(!CheckpointSettings.hasCheckpoint(checkpoint.toString(), conf));
        Settings first = parse("--kafka", "b:9092", "--window-seconds", "60", "--config", TestFiles.configWith(
                temp.resolve("s.properties"), "kafka.consumer.ssl.key.password=hunter2\n").toString());
        CheckpointSettings.write(checkpoint.toString(), CheckpointSettings.frozen(first), conf);
        assertTrue(!CheckpointSettings.hasCheckpoint(checkpoint.toString(), conf), "settings alone: no checkpoint");
        Files.write(checkpoint.resolve("checkpoint-1763712000000"), new byte[] {1});
        assertTrue(CheckpointSettings.hasCheckpoint(checkpoint.toString(), conf));
        assertTrue(!Files.readString(checkpoint.resolve(CheckpointSettings.FILE_NAME)).contains("hunter2"),
                "a secret is stored as a hash");
        Map<String, String> stored = CheckpointSettings.read(checkpoint.toString(), conf);
        assertEquals(List.of(), CheckpointSettings.differences(stored, CheckpointSettings.frozen(first)));
        Settings oneRun = parse("--kafka", "b:9092", "--run-seconds", "5", "--reset-state", "--config",
                temp.resolve("s.properties").toString());
        assertEquals(List.of(), CheckpointSettings.differences(stored, CheckpointSettings.frozen(oneRun)),
                "--run-seconds and the restart flags act on one run only");
        Settings changed = parse("--kafka", "b:9092", "--window-seconds", "30", "--output", "elsewhere",
                "--config", TestFiles.configWith(temp.resolve("t.properties"), "partitions=4\n").toString());
        List<String> differences = CheckpointSettings.differences(stored, CheckpointSettings.frozen(changed));
        assertEquals(List.of("--output: 'data/out' in the checkpoint, 'elsewhere' now",
                "--window-seconds: '60' in the checkpoint, '30' now",
                "config key partitions: '2' in the checkpoint, '4' now",
                "config key kafka.consumer.ssl.key.password: 'sha256:" + stored.get("kafka.consumer.ssl.key.password")
                        .substring(7) + "' in the checkpoint, (not set) now"), differences);
        String refusal = CheckpointSettings.refusal(checkpoint.toString(), differences);
        assertTrue(refusal.contains("--window-seconds") && refusal.contains("new --checkpoint directory")
                && refusal.contains("start again with the checkpoint's values"), refusal);
    }

    @Test
    void inClusterModeRelativeLocalPathsAreRelativeToTheSubmittingFolder() {
        assertEquals("/home/ops/hospital/data/pseudonym.key", ConfigFile.local("data/pseudonym.key",
                "/home/ops/hospital"));
        assertEquals("/home/ops/hospital/data/checkpoint", ConfigFile.local("./data/checkpoint", "/home/ops/hospital"));
        assertEquals("/var/keys/k", ConfigFile.local("/var/keys/k", "/home/ops/hospital"));
        assertEquals("hdfs://nn:8020/hospital/out", ConfigFile.local("hdfs://nn:8020/hospital/out",
                "/home/ops/hospital"));
        assertEquals("file:/tmp/x", ConfigFile.local("file:/tmp/x", "/home/ops/hospital"));
        assertEquals("data/out", ConfigFile.local("data/out", null), "no base folder: the working directory");
    }
}

package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.LZ4CompressionCodec;
import org.hospital.incidents.testing.Corpora;
import org.hospital.incidents.testing.LocalKafka;
import org.hospital.incidents.testing.OutputFolder;
import org.hospital.incidents.testing.Scripts;
import org.hospital.incidents.testing.TestFiles;
import org.hospital.incidents.devtools.CorpusGenerator.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kafka.client.*} keys against a real broker whose listener requires SASL/PLAIN (docs/DESIGN.md "Privacy
 * and hostile input": Kafka client security), every client through its {@code bin/} script as a user runs it: the
 * feeder, the job (consumer, driver lease, alerts producer), {@code incident-review} and {@code incident-import}
 * work with the right credentials; with a wrong password each says so in one line and exits 1; and the password is
 * in none of the checkpoint (its graph files decompressed), the outputs, the archive or anything printed.
 */
class KafkaSecurityIT {

    private static final String PASSWORD = "alice-Pw-7f3c91";
    private static final String ALERTS = "hospital-alerts";
    private static final String TOPIC = "hospital-incidents";

    private static LocalKafka kafka;

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = new LocalKafka("alice:" + PASSWORD);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private Path config(String name, String password) throws IOException {
        Path file = TestFiles.configWith(temp.resolve(name), "kafka.client.security.protocol=SASL_PLAINTEXT\n"
                + "kafka.client.sasl.mechanism=PLAIN\n"
                + "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"alice\" password=\"" + password + "\";\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void everyClientWorksWithTheRightCredentialsAndTheSecretIsStoredNowhere() throws Exception {
        Path config = config("sasl.properties", PASSWORD);
        Corpus corpus = Corpora.fresh(4242, 1200);
        Path lines = temp.resolve("incidents.jsonl");
        Files.write(lines, corpus.lines(), StandardCharsets.UTF_8);
        List<String> printed = new ArrayList<>();

        Scripts.Result feed = Scripts.run(Map.of(), 120, "feed-incidents", "--kafka", kafka.saslBootstrap(),
                "--config", config.toString(), lines.toString());
        printed.add(feed.stdout() + feed.stderr());
        assertEquals(0, feed.exitCode(), feed.stderr());

        Path checkpoint = temp.resolve("checkpoint");
        Path out = temp.resolve("out");
        Path archive = temp.resolve("archive");
        Scripts.Result job = Scripts.run(Map.of(), 240, "incident-stream", "--kafka", kafka.saslBootstrap(),
                "--config", config.toString(), "--checkpoint", checkpoint.toString(), "--output", out.toString(),
                "--archive", archive.toString(), "--alerts-topic", ALERTS, "--run-seconds", "30");
        printed.add(job.stdout() + job.stderr());
        assertEquals(0, job.exitCode(), job.stderr());
        OutputFolder outputs = new OutputFolder(out);
        Corpora.assertOutputsMatch(outputs, corpus);
        // The alerts producer authenticated too: every alert the job wrote is on the alerts topic.
        long alerts = outputs.records("alerts").size();
        assertTrue(alerts > 0, "the corpus has critical events");
        assertEquals(alerts, kafka.consumeAll(ALERTS).size(), "alerts published through the SASL listener");

        // incident-review, options after the sub-command as the README shows them.
        List<JsonObject> review = outputs.records("review");
        assertFalse(review.isEmpty(), "the corpus has unclassified reports");
        String eventId = review.get(0).get("eventId").getAsString();
        Scripts.Result requalify = Scripts.run(Map.of(), 120, "incident-review", "requalify", eventId, "fall",
                "--output", out.toString(), "--reviewer", "dr.it", "--kafka", kafka.saslBootstrap(),
                "--config", config.toString());
        printed.add(requalify.stdout() + requalify.stderr());
        assertEquals(0, requalify.exitCode(), requalify.stderr());
        assertTrue(kafka.consumeAll(TOPIC).stream().map(Map.Entry::getValue)
                .filter(value -> value.contains("\"requalified\""))
                .anyMatch(value -> JsonParser.parseString(value).getAsJsonObject().get("eventId").getAsString()
                        .equals(eventId)), "the decision reached the topic");

        // incident-import: 20 legacy rows through the SASL listener.
        Path csv = temp.resolve("history.csv");
        Files.write(csv, Files.readAllLines(Scripts.projectDir().resolve("sample-logs/history-2025.csv"))
                .subList(0, 21));
        int before = kafka.consumeAll(TOPIC).size();
        Scripts.Result imported = Scripts.run(Map.of(), 120, "incident-import", "--mapping",
                Scripts.projectDir().resolve("config/import-mapping-nrls.json").toString(), "--kafka",
                kafka.saslBootstrap(), "--config", config.toString(), "--rejected",
                temp.resolve("import-rejected.csv").toString(), csv.toString());
        printed.add(imported.stdout() + imported.stderr());
        assertEquals(0, imported.exitCode(), imported.stderr());
        assertEquals(before + 20, kafka.consumeAll(TOPIC).size(), "20 rows imported");

        // The password: nowhere. The checkpoint's graph files are LZ4-compressed Java serialization (Spark's
        // Checkpoint.serialize), so they are decompressed first; the reference that replaced the password must be
        // there, which shows the scan reads the Kafka parameters Spark keeps.
        byte[] secret = PASSWORD.substring(0, PASSWORD.length() - 1).getBytes(StandardCharsets.US_ASCII);
        boolean referenceSeen = false;
        for (Path root : List.of(checkpoint, out, archive)) {
            for (Path file : files(root)) {
                byte[] bytes = contents(file);
                assertFalse(indexOf(bytes, secret) >= 0, "the Kafka password in " + file);
                referenceSeen |= indexOf(bytes, ("${incidentconfig:" + config).getBytes(StandardCharsets.UTF_8))
                        >= 0;
            }
        }
        assertTrue(referenceSeen, "the checkpoint keeps the reference to the config file, not the password");
        for (String text : printed) {
            assertFalse(text.contains(PASSWORD.substring(0, PASSWORD.length() - 1)), "the password printed: " + text);
        }
        String settings = Files.readString(checkpoint.resolve("incident-settings.properties"));
        assertFalse(settings.contains(PASSWORD));
    }

    @Test
    void aWrongPasswordIsOneLineAndExitOneForEveryClient() throws Exception {
        Path config = config("wrong.properties", "not-the-password");
        Path lines = temp.resolve("one.jsonl");
        Files.write(lines, Corpora.fresh(77, 100).lines().subList(0, 5), StandardCharsets.UTF_8);

        Scripts.Result feed = Scripts.run(Map.of(), 120, "feed-incidents", "--kafka", kafka.saslBootstrap(),
                "--config", config.toString(), lines.toString());
        assertOneAuthenticationLine(feed, "feed-incidents: --kafka " + kafka.saslBootstrap());

        Scripts.Result job = Scripts.run(Map.of(), 240, "incident-stream", "--kafka", kafka.saslBootstrap(),
                "--config", config.toString(), "--checkpoint", temp.resolve("cp").toString(), "--output",
                temp.resolve("out").toString(), "--archive", "none", "--run-seconds", "20");
        assertOneAuthenticationLine(job, "incident-stream: --kafka " + kafka.saslBootstrap());

        Path out = temp.resolve("review-out");
        Path batch = Files.createDirectories(out.resolve("review").resolve("batch-1795860000000"));
        Files.writeString(batch.resolve("part-00000"), "{\"eventId\":\"EVT-W1\",\"wardId\":"
                + "\"ICU-1\",\"occurredAt\":\"2026-11-21T10:00:00Z\",\"harmLevel\":\"mild\",\"category\":"
                + "\"unclassified\"}\n");
        Scripts.Result review = Scripts.run(Map.of(), 120, "incident-review", "--output", out.toString(),
                "--config", config.toString(), "requalify", "EVT-W1", "fall", "--reviewer", "dr.it", "--kafka",
                kafka.saslBootstrap());
        assertOneAuthenticationLine(review, "incident-review: --kafka " + kafka.saslBootstrap());

        Path csv = temp.resolve("history.csv");
        Files.write(csv, Files.readAllLines(Scripts.projectDir().resolve("sample-logs/history-2025.csv"))
                .subList(0, 6));
        Scripts.Result imported = Scripts.run(Map.of(), 120, "incident-import", "--mapping",
                Scripts.projectDir().resolve("config/import-mapping-nrls.json").toString(), "--kafka",
                kafka.saslBootstrap(), "--config", config.toString(), "--rejected",
                temp.resolve("rejected.csv").toString(), csv.toString());
        assertOneAuthenticationLine(imported, "incident-import: ");
    }

    /** Exit 1, and exactly one line of standard error about the failure, starting with the tool's name. */
    private static void assertOneAuthenticationLine(Scripts.Result result, String start) {
        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        List<String> about = result.stderr().lines()
                .filter(line -> line.contains("uthentication") || line.startsWith("\tat ")).toList();
        assertEquals(1, about.size(), "one line about the failure, got:\n" + result.stderr());
        assertTrue(about.get(0).startsWith(start) && about.get(0).contains("SaslAuthenticationException"),
                about.get(0));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] contents(Path file) throws IOException {
        if (!file.getFileName().toString().startsWith("checkpoint-")) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = new LZ4CompressionCodec(new SparkConf()).compressedInputStream(
                Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

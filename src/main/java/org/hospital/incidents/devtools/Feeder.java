package org.hospital.incidents.devtools;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.support.KafkaClients;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Replays incident log files onto a socket (as {@code nc -lk PORT} would) or into a Kafka topic, at a chosen pace.
 *
 * <p>Lines are sent as the raw bytes of the files (no re-encoding), so malformed lines reach the job exactly as
 * written. Pacing: {@code --rate N} sends N lines per second; {@code --speedup X} replays by {@code occurredAt},
 * X times faster than real time (lines without a readable {@code occurredAt} go out straight away). With neither,
 * lines go out as fast as the receiver takes them.
 *
 * <p>Socket mode listens, waits for the streaming job's receiver to connect, sends, then keeps the connection
 * open for {@code --linger-seconds} so the receiver does not reconnect in a loop. If the receiver disconnects
 * midway, the feeder waits for it to reconnect and goes on from the first line not yet sent.
 *
 * <p>Exit status: 0 when every line was sent, 1 on an I/O or Kafka error, 2 on bad options or a missing file.
 */
@Command(name = "feed-incidents", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Replay incident log files onto a socket (like nc -lk) or a Kafka topic.")
public final class Feeder implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "PORT", description = "Listen on this port and serve the receiver.")
    Integer listenPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String bind = "127.0.0.1";

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Produce to Kafka at these servers.")
    String kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic (default hospital-incidents).")
    String topic = "hospital-incidents";

    @Option(names = "--partitions", paramLabel = "N",
            description = "Create the topic with N partitions if it does not exist (default 3).")
    int partitions = 3;

    @Option(names = "--rate", paramLabel = "LINES_PER_SECOND", description = "Send this many lines per second.")
    Double rate;

    @Option(names = "--speedup", paramLabel = "X", description = "Replay by occurredAt, X times real time.")
    Double speedup;

    @Option(names = "--linger-seconds", paramLabel = "S",
            description = "Socket mode: keep the connection open S seconds after the last line (default 600).")
    int lingerSeconds = 600;

    @Option(names = "--config", paramLabel = "FILE", description = "The job's configuration, for its kafka.client.* "
            + "keys (Kafka security); default -Dincident.config, else none.")
    String config;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Incident log files, one JSON object per line.")
    List<Path> files;

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Feeder());
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if ((listenPort == null) == (kafka == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give exactly one of --listen and --kafka");
        }
        if (rate != null && speedup != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give at most one of --rate and --speedup");
        }
        List<byte[]> lines = new ArrayList<>();
        for (Path file : files) {
            try {
                lines.addAll(splitLines(Files.readAllBytes(file)));
            } catch (NoSuchFileException e) {
                System.err.println("feed-incidents: file not found: " + file.toAbsolutePath());
                return 2;
            }
        }
        Map<String, String> clientSettings = Map.of();
        if (kafka != null) {
            try {
                clientSettings = Settings.kafkaClient(config);
            } catch (SettingsException e) {
                System.err.println("feed-incidents: " + e.getMessage());
                return 2;
            }
        }
        Pacer pacer = new Pacer(lines, rate, speedup);
        long start = System.nanoTime();
        if (listenPort != null) {
            serveSocket(lines, pacer);
        } else {
            try {
                produce(lines, pacer, clientSettings);
            } catch (ExecutionException | KafkaException e) {
                System.err.println("feed-incidents: --kafka " + kafka + ": " + KafkaClients.describe(e));
                return 1;
            }
        }
        System.err.printf("feed-incidents: sent %d lines in %.1f s%n", lines.size(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void serveSocket(List<byte[]> lines, Pacer pacer) throws IOException, InterruptedException {
        try (ServerSocket server = new ServerSocket(listenPort, 50, InetAddress.getByName(bind))) {
            System.err.println("feed-incidents: listening on " + bind + ":" + listenPort + ", " + lines.size()
                    + " lines to send");
            int next = 0;
            while (next < lines.size()) {
                try (Socket client = server.accept()) {
                    System.err.println("feed-incidents: receiver connected from " + client.getRemoteSocketAddress());
                    OutputStream out = new BufferedOutputStream(client.getOutputStream());
                    pacer.begin(next);
                    for (; next < lines.size(); next++) {
                        long wait = pacer.waitNanos(next);
                        if (wait > 0) {
                            // Flush what is due before pausing, so the receiver sees lines on time.
                            out.flush();
                            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        out.write(lines.get(next));
                        out.write('\n');
                    }
                    out.flush();
                    lingerUntilClosed(client);
                } catch (IOException e) {
                    // The receiver went away; lines from `next` on were not confirmed written: wait for it again.
                    System.err.println("feed-incidents: receiver disconnected (" + e.getMessage()
                            + "), waiting to resume at line " + (next + 1));
                }
            }
        }
    }

    private void lingerUntilClosed(Socket client) throws IOException {
        client.setSoTimeout(lingerSeconds * 1000);
        InputStream in = client.getInputStream();
        try {
            while (in.read() >= 0) {
                // the receiver never sends; read only to notice when it closes
            }
        } catch (java.net.SocketTimeoutException e) {
            // linger time over
        }
    }

    private void produce(List<byte[]> lines, Pacer pacer, Map<String, String> clientSettings)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.putAll(KafkaClients.forProducer(clientSettings));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        createTopicIfMissing(clientSettings);
        // A send fails asynchronously (flush() does not throw): the first failure is kept and ends the run.
        java.util.concurrent.atomic.AtomicReference<Exception> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            pacer.begin(0);
            for (int i = 0; i < lines.size(); i++) {
                long wait = pacer.waitNanos(i);
                if (wait > 0) {
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
                }
                String ward = wardOf(lines.get(i));
                // Keyed by ward: one ward's reports stay in order within one partition.
                byte[] key = ward == null ? null : ward.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, lines.get(i)), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new ExecutionException(failure.get());
        }
    }

    private void createTopicIfMissing(Map<String, String> clientSettings)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.putAll(KafkaClients.forEveryClient(clientSettings));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            System.err.println("feed-incidents: created topic " + topic + " with " + partitions + " partitions");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Splits on '\n' (dropping a '\r' before it), keeping bytes as they are. */
    static List<byte[]> splitLines(byte[] content) {
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                byte[] line = current.toByteArray();
                if (line.length > 0 && line[line.length - 1] == '\r') {
                    line = java.util.Arrays.copyOf(line, line.length - 1);
                }
                lines.add(line);
                current.reset();
            } else {
                current.write(content[i]);
            }
        }
        if (current.size() > 0) {
            lines.add(current.toByteArray());
        }
        return lines;
    }

    private static String field(byte[] line, String name) {
        try {
            JsonElement element = JsonParser.parseString(new String(line, StandardCharsets.UTF_8));
            if (element.isJsonObject() && element.getAsJsonObject().get(name) != null
                    && element.getAsJsonObject().get(name).isJsonPrimitive()) {
                return element.getAsJsonObject().get(name).getAsString();
            }
        } catch (RuntimeException e) {
            // malformed line: no field, sent as it is
        }
        return null;
    }

    private static String wardOf(byte[] line) {
        return field(line, "wardId");
    }

    /** Decides when each line is due. */
    private static final class Pacer {
        private final long[] dueNanos;
        private long startNanos;
        private long offsetNanos;

        Pacer(List<byte[]> lines, Double rate, Double speedup) {
            dueNanos = new long[lines.size()];
            if (rate != null) {
                for (int i = 0; i < dueNanos.length; i++) {
                    dueNanos[i] = (long) (i * 1e9 / rate);
                }
            } else if (speedup != null) {
                long first = Long.MIN_VALUE;
                long previous = 0;
                for (int i = 0; i < dueNanos.length; i++) {
                    Long at = occurredAtMillis(lines.get(i));
                    if (at != null && first == Long.MIN_VALUE) {
                        first = at;
                    }
                    // Out-of-order or unreadable lines go out with the line before them.
                    long due = at == null ? previous : Math.max(previous, (long) ((at - first) * 1e6 / speedup));
                    dueNanos[i] = due;
                    previous = due;
                }
            }
        }

        private static Long occurredAtMillis(byte[] line) {
            String text = field(line, "occurredAt");
            try {
                return text == null ? null : Instant.parse(text).toEpochMilli();
            } catch (RuntimeException e) {
                return null;
            }
        }

        void begin(int fromLine) {
            startNanos = System.nanoTime();
            offsetNanos = fromLine < dueNanos.length ? dueNanos[fromLine] : 0;
        }

        /** @return nanoseconds to wait before sending the line; 0 when it is due (waits under 1 ms are skipped) */
        long waitNanos(int line) {
            long wait = dueNanos[line] - offsetNanos - (System.nanoTime() - startNanos);
            return wait <= 1_000_000 ? 0 : wait;
        }
    }
}

package org.hospital.incidents.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.hospital.incidents.stream.source.Utf8Lines;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.parse.IncidentParser;
import scala.Tuple5;
import org.hospital.incidents.testing.TestKeys;

/**
 * The job's core written with Structured Streaming, for {@link IncidentBench}: the Kafka source, the job's own
 * UTF-8 check and parser, and per-ward running counts by harm level and category in Spark's state store (the
 * {@code ward-totals} state), 1 s triggers, {@code local[2]}, the {@code noop} sink. It leaves out the window,
 * the alerts and the output files that the DStream job also does, so the comparison favours the twin.
 *
 * <p>Arguments: bootstrap servers, topic, max offsets per trigger, triggers to run, checkpoint directory, the
 * job's configuration file (its {@code kafka.consumer.*} keys become the source's {@code kafka.*} options), and
 * optionally {@code dedup}: each eventId once within 168 h of event time ({@code dropDuplicatesWithinWatermark}),
 * the peer of the job's incident ledger. Prints
 * {@code PROGRESS <input rows> <trigger execution ms>} per trigger with data (Spark's own progress report) and
 * exits 0 after the wanted number.
 */
public final class StructuredTwin {

    private StructuredTwin() {
    }

    /**
     * @param args bootstrap, topic, maxOffsetsPerTrigger, triggers, checkpoint directory, configuration file
     * @throws Exception when the query fails
     */
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long perTrigger = Long.parseLong(args[2]);
        int triggers = Integer.parseInt(args[3]);
        String checkpoint = args[4];
        SparkSession spark = SparkSession.builder().master("local[2]").appName("incident-bench-structured")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger withData = new AtomicInteger();
        spark.streams().addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(QueryStartedEvent event) {
            }

            @Override
            public void onQueryProgress(QueryProgressEvent event) {
                long rows = event.progress().numInputRows();
                Long ms = event.progress().durationMs().get("triggerExecution");
                if (rows > 0 && ms != null) {
                    System.out.println("PROGRESS " + rows + " " + ms);
                    if (withData.incrementAndGet() >= triggers) {
                        done.countDown();
                    }
                }
            }

            @Override
            public void onQueryTerminated(QueryTerminatedEvent event) {
                done.countDown();
            }
        });
        DataStreamReader reader = spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic).option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", perTrigger);
        // The same consumer fetch sizes as the job's shipped configuration (kafka.consumer.* keys), so that both
        // read the backlog alike.
        Properties shipped = new Properties();
        try (var in = Files.newBufferedReader(Path.of(args[5]))) {
            shipped.load(in);
        }
        for (String key : shipped.stringPropertyNames()) {
            if (key.startsWith("kafka.consumer.")) {
                reader = reader.option("kafka." + key.substring("kafka.consumer.".length()), shipped.getProperty(key));
            }
        }
        Dataset<byte[]> values = reader.load().select("value").as(Encoders.BINARY());
        Dataset<Row> incidents = values.mapPartitions(
                (MapPartitionsFunction<byte[], Tuple5<String, String, Integer, Integer, Long>>) StructuredTwin::parse,
                Encoders.tuple(Encoders.STRING(), Encoders.STRING(), Encoders.INT(), Encoders.INT(), Encoders.LONG()))
                .toDF("eventId", "_1", "_2", "_3", "_4");
        boolean dedup = args.length > 6 && "dedup".equals(args[6]);
        if (dedup) {
            // The job's ledger rule in Structured Streaming's terms: each eventId once within the horizon (168 h of
            // event time), Spark's own dropDuplicatesWithinWatermark (3.5).
            incidents = incidents.withColumn("eventTime", expr("timestamp_millis(_4)"))
                    .withWatermark("eventTime", "168 hours").dropDuplicatesWithinWatermark("eventId");
        }
        List<Column> aggregates = new ArrayList<>();
        // With deduplication the aggregate reads the event-time column itself: Spark 3.5.1 fails with None.get in
        // StreamingDeduplicateWithinWatermarkExec when a later projection prunes it.
        aggregates.add(max(col(dedup ? "eventTime" : "_4")).as("lastOccurredAt"));
        for (HarmLevel level : HarmLevel.values()) {
            aggregates.add(sum(when(col("_2").equalTo(level.ordinal()), 1).otherwise(0)).as(level.code()));
        }
        for (EventCategory category : EventCategory.values()) {
            aggregates.add(sum(when(col("_3").equalTo(category.ordinal()), 1).otherwise(0)).as(category.code()));
        }
        Dataset<Row> totals = incidents.groupBy(col("_1").as("wardId"))
                .agg(count("*").as("total"), aggregates.toArray(new Column[0]));
        StreamingQuery query = totals.writeStream().outputMode("update").format("noop")
                .trigger(Trigger.ProcessingTime("1 second")).option("checkpointLocation", checkpoint).start();
        done.await();
        query.stop();
        spark.stop();
        System.exit(withData.get() >= triggers ? 0 : 1);
    }

    private static Iterator<Tuple5<String, String, Integer, Integer, Long>> parse(Iterator<byte[]> values) {
        IncidentParser parser = new IncidentParser(TestKeys.pseudonymizer());
        List<Tuple5<String, String, Integer, Integer, Long>> out = new ArrayList<>();
        while (values.hasNext()) {
            byte[] value = values.next();
            if (value == null) {
                continue;
            }
            ParseResult result = parser.parse(Utf8Lines.decode(value, value.length, "kafka"), 0L);
            if (result.isAccepted()) {
                Incident incident = result.incident();
                out.add(new Tuple5<>(incident.eventId(), incident.wardId(), incident.harmLevel().ordinal(),
                        incident.category().ordinal(), incident.occurredAt().toEpochMilli()));
            }
        }
        return out.iterator();
    }
}

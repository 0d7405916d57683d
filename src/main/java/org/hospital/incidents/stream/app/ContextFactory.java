package org.hospital.incidents.stream.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.hospital.incidents.stream.sink.AlertPublisher;
import org.hospital.incidents.stream.sink.BatchOutcomes;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.hospital.incidents.stream.sink.ConsoleSink;
import org.hospital.incidents.archive.CodecArchiveEncoder;
import org.hospital.incidents.support.HadoopConfs;
import org.hospital.incidents.stream.source.KafkaSource;
import org.hospital.incidents.ledger.LedgerMetrics;
import org.hospital.incidents.stream.sink.OutputSinks;
import org.hospital.incidents.ledger.LedgerSeedFolder;
import org.hospital.incidents.stream.restart.StateSeeds;
import org.hospital.incidents.stream.config.SurgeLimitsFile;
import org.hospital.incidents.stream.source.Utf8Lines;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.parse.Pseudonymizer;
import org.hospital.incidents.pipeline.EventTimeRule;
import org.hospital.incidents.pipeline.GraphOutputs;
import org.hospital.incidents.pipeline.IncidentGraph;
import org.hospital.incidents.pipeline.StateSeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.CheckpointSettings;

/**
 * Creates a fresh {@link JavaStreamingContext} with the whole application wired in: the function given to
 * {@link JavaStreamingContext#getOrCreate}. Every DStream, the checkpoint directory and every output operation
 * are created here, because after a driver restart Spark rebuilds the context from the checkpoint and never
 * calls this again (Spark Streaming guide, "How to configure Checkpointing"; JavaRecoverableNetworkWordCount).
 */
public final class ContextFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ContextFactory.class);

    /** Application name shown in the Spark UI. */
    public static final String APP_NAME = "hospital-incident-streaming";

    private ContextFactory() {
    }

    /**
     * Applies the settings to a Spark configuration: the application name, every {@code spark.*} key of the config
     * file unless already set (spark-submit {@code --conf} wins), and a graceful stop on SIGTERM.
     *
     * @param settings validated settings
     * @param conf Spark configuration; the master comes from spark-submit (or, in tests, from the caller), never
     *     from here. Modified in place.
     * @return {@code conf}
     */
    public static SparkConf sparkConf(Settings settings, SparkConf conf) {
        conf.setIfMissing("spark.app.name", APP_NAME);
        for (Map.Entry<String, String> entry : settings.sparkConf().entrySet()) {
            conf.setIfMissing(entry.getKey(), entry.getValue());
        }
        // A SIGTERM (or Ctrl-C) lets the batches in flight and the received blocks finish before exit.
        conf.setIfMissing("spark.streaming.stopGracefullyOnShutdown", "true");
        return KryoClasses.configure(conf);
    }

    /**
     * The Hadoop configuration Spark would derive from {@code conf}: every {@code spark.hadoop.<key>} as
     * {@code <key>} (Spark configuration guide, "Custom Hadoop/Hive Configuration").
     *
     * <p>Used to read the checkpoint at start-up. It matters beyond that read: Hadoop caches one
     * {@code FileSystem} per scheme and authority, built from the first configuration that asks, and that first
     * ask is the checkpoint read. Without the {@code spark.hadoop.*} keys there, HDFS client settings such as the
     * retry policy in {@code config/application.properties} would never reach the checkpoint and output writes.
     *
     * @param conf Spark configuration after {@link #sparkConf}
     * @return a new Hadoop configuration (defaults plus the {@code spark.hadoop.*} keys)
     */
    public static Configuration hadoopConf(SparkConf conf) {
        return HadoopConfs.fromSpark(conf);
    }

    /**
     * @param settings validated settings
     * @param conf Spark configuration after {@link #sparkConf}
     * @param console the operator's console: alert lines and batch summaries
     * @return the new context, not started
     */
    public static JavaStreamingContext create(Settings settings, SparkConf conf, ConsoleSink console) {
        JavaStreamingContext ssc = new JavaStreamingContext(conf, Durations.seconds(settings.graph().batchSeconds()));
        ssc.checkpoint(settings.checkpoint());
        StateSeed seed;
        try {
            CheckpointSettings.write(settings.checkpoint(), CheckpointSettings.frozen(settings),
                    ssc.sparkContext().hadoopConfiguration());
            seed = seed(settings, ssc.sparkContext(), System.currentTimeMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the new checkpoint in " + settings.checkpoint(), e);
        }

        JavaDStream<SourcedLine> lines = null;
        if (settings.socketHost() != null) {
            // Bytes, not socketTextStream's text: invalid UTF-8 is detected before a decoder hides it as U+FFFD.
            // One partition a batch (a narrow coalesce of the receiver's blocks, no shuffle): the socket is one stream
            // in arrival order, and the event-time clock is taken per input partition (EventTimeRule.clock), so its
            // blocks, one each 200 ms, would each count as a partition and hold the clock at the first block's newest
            // report. The receiver takes one core of local[2] anyway, leaving one for the batch's tasks.
            lines = ssc.socketStream(settings.socketHost(), settings.socketPort(),
                    Utf8Lines.socketLines(settings.maxLineBytes()),
                    StorageLevel.fromString(settings.socketStorageLevel())).transform(rdd -> rdd.coalesce(1));
        }
        JavaInputDStream<ConsumerRecord<String, byte[]>> kafka = null;
        if (settings.kafkaBootstrap() != null) {
            Map<String, Object> params = KafkaSource.consumerParams(settings.kafkaBootstrap(), settings.groupId(),
                    settings.kafkaAutoOffsetReset(), settings.kafkaConsumerParams());
            kafka = KafkaSource.directStream(ssc, settings.topics(), params);
            JavaDStream<SourcedLine> kafkaLines = KafkaSource.lines(kafka, settings.maxLineBytes());
            lines = lines == null ? kafkaLines : lines.union(kafkaLines);
        }

        CodecArchiveEncoder archive = settings.archive() == null ? null
                : new CodecArchiveEncoder(settings.archiveCodec());
        GraphOutputs outputs = IncidentGraph.build(lines, settings.graph(),
                new Pseudonymizer(settings.pseudonymKeyFile()), archive, seed,
                SurgeLimitsFile.sourceFor(settings));
        AlertPublisher alerts = settings.alertsTopic() == null ? null
                : new AlertPublisher(settings.kafkaBootstrap(), settings.alertsTopic(), settings.groupId(),
                        settings.kafkaConsumerParams());
        // One record of what each batch wrote, shared by the writer, the Kafka commit and the summary.
        BatchOutcomes outcomes = new BatchOutcomes();
        // A batch is written by one task, or by one per state partition after a large batch (a backlog).
        OutputSinks.attach(outputs, new BatchOutputWriter(settings.output(), settings.archive(),
                archive == null ? null : archive.extension(), settings.graph().partitions()), alerts, outcomes,
                console);
        if (kafka != null) {
            KafkaSource.commitAfterOutputs(kafka, outcomes);
        }
        // The ledger's size for Prometheus, every 10 s (one small job: a count per ledger bucket).
        LedgerMetrics.watch(outputs.ledger(), 10_000L, settings.graph().batchSeconds() * 1000L);
        OutputSinks.printSummaries(outputs.acceptedCounts(), outcomes, console);
        return ssc;
    }

    /**
     * Where a new checkpoint's state starts (DESIGN.md "Restarts and upgrades"): each ward from its latest
     * {@code ward-totals} line under {@code --output}, and the incident ledger from the archive's entries within the
     * horizon, written to {@code <checkpoint>/ledger-seed-<millis>}; with {@code --reset-state} both start empty.
     * Logs one line saying which.
     *
     * @param settings validated settings
     * @param sc the new context's Spark context (the seeds are read by Spark jobs before the stream starts)
     * @param nowMillis start time, epoch millis
     * @return the seed
     * @throws IOException when the output, the archive or the checkpoint directory cannot be read or written
     */
    static StateSeed seed(Settings settings, JavaSparkContext sc, long nowMillis) throws IOException {
        int horizonHours = settings.dedupHorizonHours();
        if (settings.resetState()) {
            LOG.info("New checkpoint {} with --reset-state: every ward's running totals and the incident ledger start "
                    + "from zero", settings.checkpoint());
            return new StateSeed(Map.of(), null, horizonHours);
        }
        Map<String, WardState> wards = StateSeeds.latestWardTotals(sc, settings.output());
        // The event-time clock carries on from the wards' newest occurredAt, and the windows still open under it
        // from the archive (docs/DESIGN.md "Surges in event time"): a burst spanning the new checkpoint still pages.
        long clock = StateSeed.clockOf(wards);
        EventTimeRule rule = EventTimeRule.of(settings.graph());
        long openFrom = clock == Long.MIN_VALUE ? Long.MAX_VALUE
                : rule.firstOpen(EventTimeRule.watermark(clock, settings.graph().allowedLatenessSeconds() * 1000L));
        Map<String, EventBuckets> windows = Map.of();
        String seenFolder = null;
        String memory;
        if (horizonHours == 0) {
            memory = "no incident ledger (dedup-horizon-hours=0)";
        } else if (settings.archive() == null) {
            memory = "the incident ledger starts empty (--archive none: repeats of reports counted before this "
                    + "start count again, and their re-qualifications are refused)";
        } else {
            String folder = settings.checkpoint() + "/ledger-seed-" + nowMillis;
            StateSeeds.Rebuilt rebuilt = StateSeeds.rebuildLedger(sc, settings.archive(), folder, nowMillis,
                    horizonHours * 3_600_000L, openFrom, rule.bucketMillis());
            long seen = rebuilt.eventIds();
            seenFolder = seen == 0 ? null : folder;
            windows = rebuilt.windows();
            memory = "the incident ledger holds the " + seen + " eventIds the archive " + settings.archive()
                    + " counted in the last " + horizonHours + " h";
        }
        String eventTime = clock == Long.MIN_VALUE ? "event-time windows and the watermark start empty"
                : "the event-time clock carries on from " + Instant.ofEpochMilli(clock) + ", and " + windows.size()
                        + " wards' open windows from the archive";
        LOG.info("New checkpoint {}: {} wards carry on from their latest ward-totals lines under {}; {}; {} "
                + "(--reset-state starts from zero)", settings.checkpoint(), wards.size(), settings.output(), memory,
                eventTime);
        return new StateSeed(wards, seenFolder == null ? null : new LedgerSeedFolder(seenFolder), horizonHours,
                windows);
    }
}

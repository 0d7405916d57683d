package org.hospital.incidents.stream.source;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.CanCommitOffsets;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.hospital.incidents.model.SourcedLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.stream.sink.BatchOutcomes;

/**
 * The Kafka source: a direct DStream (spark-streaming-kafka-0-10, one RDD partition per topic partition, offset
 * ranges tracked in the checkpoint) and the commit of those offset ranges back to Kafka after each batch.
 *
 * <p>Offsets are committed with {@code commitAsync} only after every output of the batch was written (see
 * {@link #commitAfterOutputs}); Kafka's auto commit is off, so the consumer group's committed offsets never run
 * ahead of the outputs (Spark Kafka 0-10 integration guide, "Storing Offsets").
 */
public final class KafkaSource {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);

    private KafkaSource() {
    }

    /**
     * Builds the consumer configuration.
     *
     * @param bootstrapServers {@code host:port[,host:port]}
     * @param groupId consumer group
     * @param autoOffsetReset {@code earliest}, {@code latest} or {@code none}: where a group with no committed
     *     offset starts
     * @param extra further consumer properties (e.g. {@code security.protocol}); they may not re-enable auto commit
     * @return the parameters for {@link ConsumerStrategies#Subscribe}
     */
    public static Map<String, Object> consumerParams(String bootstrapServers, String groupId, String autoOffsetReset,
            Map<String, String> extra) {
        Map<String, Object> params = new HashMap<>(extra);
        // Kafka takes every value as text, but Spark's KafkaUtils.fixKafkaParams reads receive.buffer.bytes as an
        // Integer and fails with a ClassCastException on a string from the config file.
        if (params.get(ConsumerConfig.RECEIVE_BUFFER_CONFIG) instanceof String text) {
            params.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.valueOf(text.trim()));
        }
        params.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        params.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        params.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Bytes: Utf8Lines checks UTF-8 itself instead of letting a decoder hide invalid bytes as U+FFFD.
        params.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        params.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        params.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Static group membership (KIP-345): a driver restarted after a crash takes over its dead predecessor's
        // place in the group at once. Without it the group still holds the dead member until its session times
        // out, and Spark's Subscribe strategy, which seeks right after its first poll, can fail the restart
        // with "No current assignment for partition" (seen in bin/recovery-drill).
        params.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId + "-driver");
        return params;
    }

    /**
     * The direct stream of a new context (no checkpoint), starting at {@link #startOffsets}.
     *
     * @param ssc the streaming context
     * @param topics topics to subscribe to
     * @param params from {@link #consumerParams}
     * @return the direct stream
     * @throws OffsetOutOfRangeException when a committed offset is gone and {@code auto.offset.reset} is
     *     {@code none}
     */
    public static JavaInputDStream<ConsumerRecord<String, byte[]>> directStream(JavaStreamingContext ssc,
            Collection<String> topics, Map<String, Object> params) {
        return KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, byte[]>Subscribe(topics, params, startOffsets(topics, params)));
    }

    /**
     * Where a new context starts reading each partition of {@code topics}: the consumer group's committed offset
     * when Kafka still holds it, otherwise where {@code auto.offset.reset} says (see {@link #startOffset}).
     *
     * <p>Spark's Subscribe strategy would take the committed offset as it is. When retention has deleted the
     * records there, the driver plans an offset range that starts below the log start offset, and every batch
     * fails on the executors (which read with {@code auto.offset.reset=none}); decided here, the job starts at
     * the oldest record Kafka still has and says in the log how many records were lost to retention.
     *
     * @param topics subscribed topics
     * @param params consumer parameters (bootstrap servers, group id, {@code auto.offset.reset})
     * @return start offset per partition
     * @throws OffsetOutOfRangeException as {@link #startOffset}
     */
    public static Map<TopicPartition, Long> startOffsets(Collection<String> topics, Map<String, Object> params) {
        Map<String, Object> probe = new HashMap<>(params);
        probe.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        probe.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        String reset = String.valueOf(params.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
        Map<TopicPartition, Long> start = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(probe)) {
            Set<TopicPartition> partitions = new HashSet<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                start.put(tp, startOffset(tp, c == null ? null : c.offset(), beginning.get(tp), end.get(tp), reset));
            }
        }
        return start;
    }

    /**
     * One partition's start offset, with the Kafka consumer's own {@code auto.offset.reset} semantics.
     *
     * @param tp the partition (for messages)
     * @param committed the group's committed offset, null when none
     * @param logStart the oldest offset Kafka still holds
     * @param logEnd the next offset Kafka will write
     * @param reset {@code earliest}, {@code latest} or {@code none}
     * @return the committed offset when within {@code [logStart, logEnd]}; otherwise {@code logStart} for
     *     {@code earliest}, {@code logEnd} for {@code latest}
     * @throws OffsetOutOfRangeException for {@code none} when the committed offset is gone or beyond the end
     * @throws NoOffsetForPartitionException for {@code none} when nothing was committed
     */
    static long startOffset(TopicPartition tp, Long committed, long logStart, long logEnd, String reset) {
        if (committed != null && committed >= logStart && committed <= logEnd) {
            return committed;
        }
        if (committed == null && "none".equals(reset)) {
            throw new NoOffsetForPartitionException(tp);
        }
        if (committed != null && "none".equals(reset)) {
            throw new OffsetOutOfRangeException("Committed offset=" + committed + " is out of range for partition "
                    + tp + " (Kafka holds " + logStart + " to " + logEnd + ")", Map.of(tp, committed));
        }
        long offset = "latest".equals(reset) ? logEnd : logStart;
        if (committed != null && committed < logStart) {
            // No patient data here: partition and offsets only.
            LOG.warn("Partition {}: committed offset {} was deleted by Kafka (retention) before it was read; "
                    + "{} records lost, starting at offset {} ({})", tp, committed, logStart - committed, offset,
                    reset);
        } else if (committed != null) {
            LOG.warn("Partition {}: committed offset {} is beyond the end {} (topic recreated?); starting at {} "
                    + "({})", tp, committed, logEnd, offset, reset);
        }
        return offset;
    }

    /**
     * @param stream the direct stream
     * @param maxLineBytes the longest record read as a report ({@code max-line-bytes}); a longer one is rejected
     * @return its record values, labelled {@code kafka:<topic>/<partition>/<offset>}; a null value (a tombstone)
     *     becomes an empty line, which the graph ignores
     */
    public static JavaDStream<SourcedLine> lines(JavaInputDStream<ConsumerRecord<String, byte[]>> stream,
            int maxLineBytes) {
        // ConsumerRecord is not serializable: turn it into a SourcedLine before anything else touches it.
        return stream.map(record -> {
            String source = SourcedLine.kafkaSource(record.topic(), record.partition(), record.offset());
            byte[] value = record.value();
            return value == null ? new SourcedLine("", source)
                    : Utf8Lines.decode(value, value.length, source, maxLineBytes);
        });
    }

    /**
     * Registers the offset commit; call after every output operation of the graph, so that it runs last in each
     * batch. Skips the commit when the {@link BatchOutcomes} says an output of the batch failed.
     *
     * @param stream the direct stream
     * @param outcomes what the output operations recorded of each batch
     */
    public static void commitAfterOutputs(JavaInputDStream<ConsumerRecord<String, byte[]>> stream,
            BatchOutcomes outcomes) {
        stream.foreachRDD((rdd, time) -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            if (outcomes.hasFailed(time.milliseconds())) {
                LOG.warn("Batch {}: an output failed, Kafka offsets not committed", time.milliseconds());
                return;
            }
            ((CanCommitOffsets) stream.inputDStream()).commitAsync(ranges, new LoggingCommitCallback());
        });
    }

    /**
     * Logs the outcome of an offset commit. Serializable because the direct stream keeps the last callback in a
     * field, and the stream is written to every checkpoint.
     */
    static final class LoggingCommitCallback implements OffsetCommitCallback, java.io.Serializable {

        private static final long serialVersionUID = 1L;

        @Override
        public void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception error) {
            if (error != null) {
                // The checkpoint still holds the offsets, and the next batch's commit covers these ones too.
                LOG.warn("Kafka offset commit failed (the next batch's commit covers it): {}", error.toString());
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("Committed Kafka offsets {}", offsets);
            }
        }
    }
}

package org.hospital.incidents.io;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
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
        params.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        params.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        params.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        params.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        params.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        params.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return params;
    }

    /**
     * @param ssc the streaming context
     * @param topics topics to subscribe to
     * @param params from {@link #consumerParams}
     * @return the direct stream
     */
    public static JavaInputDStream<ConsumerRecord<String, String>> directStream(JavaStreamingContext ssc,
            Collection<String> topics, Map<String, Object> params) {
        return KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(topics, params));
    }

    /**
     * @param stream the direct stream
     * @return its record values, labelled {@code kafka:<topic>/<partition>/<offset>}; a null value (a tombstone)
     *     becomes an empty line, which the graph ignores
     */
    public static JavaDStream<SourcedLine> lines(JavaInputDStream<ConsumerRecord<String, String>> stream) {
        // ConsumerRecord is not serializable: turn it into a SourcedLine before anything else touches it.
        return stream.map(record -> new SourcedLine(record.value() == null ? "" : record.value(),
                SourcedLine.kafkaSource(record.topic(), record.partition(), record.offset())));
    }

    /**
     * Registers the offset commit; call after every output operation of the graph, so that it runs last in each
     * batch. Skips the commit when the {@link BatchLedger} says an output of the batch failed.
     *
     * @param stream the direct stream
     */
    public static void commitAfterOutputs(JavaInputDStream<ConsumerRecord<String, String>> stream) {
        stream.foreachRDD((rdd, time) -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            if (BatchLedger.get().hasFailed(time.milliseconds())) {
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

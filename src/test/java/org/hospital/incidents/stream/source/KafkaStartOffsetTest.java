package org.hospital.incidents.stream.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Start offsets of a new context: Kafka's auto.offset.reset semantics, applied before Spark plans a batch. */
class KafkaStartOffsetTest {

    private static final TopicPartition TP = new TopicPartition("hospital-incidents", 0);

    @Test
    void committedOffsetKafkaStillHoldsIsKept() {
        assertEquals(150, KafkaSource.startOffset(TP, 150L, 100, 200, "earliest"));
        assertEquals(100, KafkaSource.startOffset(TP, 100L, 100, 200, "none"));
        assertEquals(200, KafkaSource.startOffset(TP, 200L, 100, 200, "latest"));
    }

    @Test
    void committedOffsetDeletedByRetentionResetsAsTheSettingSays() {
        assertEquals(100, KafkaSource.startOffset(TP, 40L, 100, 200, "earliest"));
        assertEquals(200, KafkaSource.startOffset(TP, 40L, 100, 200, "latest"));
        OffsetOutOfRangeException none = assertThrows(OffsetOutOfRangeException.class,
                () -> KafkaSource.startOffset(TP, 40L, 100, 200, "none"));
        assertEquals(40L, none.offsetOutOfRangePartitions().get(TP));
    }

    @Test
    void noCommittedOffset() {
        assertEquals(100, KafkaSource.startOffset(TP, null, 100, 200, "earliest"));
        assertEquals(200, KafkaSource.startOffset(TP, null, 100, 200, "latest"));
        assertThrows(NoOffsetForPartitionException.class, () -> KafkaSource.startOffset(TP, null, 100, 200, "none"));
    }

    @Test
    void committedBeyondTheEndAsAfterATopicWasRecreated() {
        assertEquals(0, KafkaSource.startOffset(TP, 500L, 0, 20, "earliest"));
    }
}

package org.hospital.incidents.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The importer's Kafka sink: keys, values, and a record Kafka did not take (the real broker: ImportIT). */
class KafkaImportSinkTest {

    @Test
    void sendsRecordsKeyedByWardAndFailsTheCommitWhenOneWasNotAcknowledged() throws IOException {
        MockProducer<String, String> producer = new MockProducer<>(false, new StringSerializer(),
                new StringSerializer());
        KafkaImportSink sink = new KafkaImportSink(producer, "t", 1e9, Path.of("unused.csv"));
        assertNull(sink.begin("import:a.csv:1"), "Kafka gets the record line, not an archive entry");
        sink.accepted("ICU-1", "{\"eventId\":\"A\"}");
        sink.accepted("ED-1", "{\"eventId\":\"B\"}");
        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"));
        List<ProducerRecord<String, String>> sent = producer.history();
        assertEquals(List.of("ICU-1", "ED-1"), sent.stream().map(ProducerRecord::key).toList());
        assertEquals("{\"eventId\":\"B\"}", sent.get(1).value());
        assertEquals("t", sent.get(0).topic());
        IOException e = assertThrows(IOException.class, sink::commit);
        assertTrue(e.getMessage().startsWith("Kafka did not acknowledge 1 of 2 records"), e.getMessage());
    }

    @Test
    void pacesToTheRate() throws IOException {
        MockProducer<String, String> producer = new MockProducer<>(true, new StringSerializer(),
                new StringSerializer());
        KafkaImportSink sink = new KafkaImportSink(producer, "t", 100, Path.of("unused.csv"));
        long start = System.nanoTime();
        for (int i = 0; i < 21; i++) {
            sink.accepted("W", "{}");
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // 21 records at 100/s: the 21st is due 200 ms after the first. A lower bound only (never a timing ceiling).
        assertTrue(elapsedMillis >= 195, "sent 21 records in " + elapsedMillis + " ms at 100/s");
        sink.commit();
    }
}

package org.hospital.incidents.stream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.hospital.incidents.model.Rejection;
import org.junit.jupiter.api.Test;

/** Java records through Kryo ({@link KryoClasses.RecordSerializer}), as Spark's Kryo instances hold them. */
class RecordSerializerTest {

    @Test
    void everyKryoInstanceReadsAndWritesARecordThroughTheSameAccessors() {
        KryoSerializer serializer = new KryoSerializer(KryoClasses.configure(new SparkConf()));
        Kryo first = serializer.newKryo();
        Kryo second = serializer.newKryo();
        Rejection rejection = Rejection.of("malformed JSON", "{\"eventId\":", "kafka:t/0@1", 1000);
        Output output = new Output(256, -1);
        first.writeClassAndObject(output, rejection);
        assertEquals(rejection, second.readClassAndObject(new Input(output.toBytes())));
        // Spark makes Kryo instances again and again; one Method per component for all of them means the JVM
        // generates one reflection accessor class each, not one per instance (docs/PERFORMANCE.md).
        KryoClasses.RecordSerializer<?> a = (KryoClasses.RecordSerializer<?>) first.getSerializer(Rejection.class);
        KryoClasses.RecordSerializer<?> b = (KryoClasses.RecordSerializer<?>) second.getSerializer(Rejection.class);
        for (int i = 0; i < a.accessors().length; i++) {
            assertSame(a.accessors()[i], b.accessors()[i]);
        }
    }
}

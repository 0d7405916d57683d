package org.hospital.incidents.analytics;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.hospital.incidents.stream.app.KryoClasses;

/**
 * The analytics job's own classes for Kryo, registered beside the stream's ({@link KryoClasses#configure(
 * org.apache.spark.SparkConf, Class)}): the rows and scopes of {@link Questions}, records written with the stream's
 * record serializer (Kryo 4 cannot set a record's final fields).
 */
public final class AnalyticsKryo implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(IncidentRow.class, new KryoClasses.RecordSerializer<>(IncidentRow.class));
        kryo.register(Questions.Scope.class, new KryoClasses.RecordSerializer<>(Questions.Scope.class));
        kryo.register(IncidentRow[].class);
    }
}

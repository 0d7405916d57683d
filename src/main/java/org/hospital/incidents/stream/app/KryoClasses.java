package org.hospital.incidents.stream.app;

import org.hospital.incidents.stream.ui.BatchDigest;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.serializer.KryoSerializer;
import org.hospital.incidents.archive.ArchivedReport;
import org.hospital.incidents.stream.sink.BatchOutcomes;
import org.hospital.incidents.stream.sink.OutputRecord;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Amendment;
import org.hospital.incidents.pipeline.batch.BatchSlice;
import org.hospital.incidents.pipeline.batch.ByteChunks;
import org.hospital.incidents.pipeline.batch.BucketLines;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.ClockReading;
import org.hospital.incidents.model.EventBuckets;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.SurgeWindow;
import org.hospital.incidents.model.WardLimits;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.ledger.LedgerShardKryoForm;
import org.hospital.incidents.pipeline.batch.PackedEntries;
import org.hospital.incidents.pipeline.batch.PackedLines;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.Settled;
import org.hospital.incidents.model.SourcedLine;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.model.WindowCounts;

/**
 * Kryo for everything Spark serializes besides closures: shuffle records (ward counts), receiver blocks (socket
 * lines), cached and checkpointed state, task results. Spark's Java serializer was most of the job's cost
 * (docs/PERFORMANCE.md "Why the code is shaped this way") and Kryo is Spark's recommended replacement (Spark tuning
 * guide, "Data Serialization").
 *
 * <p>Every class is registered, so Kryo writes a small id instead of the class name; tests set
 * {@code spark.kryo.registrationRequired=true}, so a class missing here fails a test rather than silently costing
 * a class name per record. Java records get {@link RecordSerializer}: Kryo 4 (the version Spark 3.5 ships) cannot
 * set a record's final fields.
 */
public final class KryoClasses implements KryoRegistrator {

    /** Records shipped between JVMs or kept in serialized blocks. */
    private static final Class<?>[] RECORDS = {SourcedLine.class, ParseResult.class, Incident.class, Rejection.class,
        Candidate.class, Requalification.class, WardChange.class, Verdict.class, Amendment.class, Settled.class,
        WardTotal.class, WardWindow.class, Alert.class, OutputRecord.class, WardStatus.class, SurgeWindow.class,
        ClockReading.class, BatchDigest.Figure.class,
        // Archive entries as read back (a new checkpoint's ledger seed; the analytics job adds its own classes).
        ArchivedReport.class};

    /** Ordinary classes, enums and arrays; Kryo's field or default serializers handle them. */
    private static final Class<?>[] CLASSES = {BatchSlice.class, BatchSlice[].class, PackedLines.class,
        PackedEntries.class, ByteChunks.class, java.util.HashMap.class, java.util.ArrayList.class, WardState.class,
        WindowCounts.class, HarmLevel.class,
        EventCategory.class, ReportType.class, Alert.Type.class, BatchOutcomes.Output.class, Instant.class,
        long[].class, String[].class, String[][].class, Object[].class, WardState[].class, WindowCounts[].class,
        Requalification[].class, WardChange[].class, Verdict.Kind.class, Verdict[].class, Amendment[].class,
        Settled[].class, LedgerEntry[].class, LedgerShard[].class, BucketLines[].class, byte[][].class,
        Candidate[].class, SourcedLine[].class,
        ParseResult[].class, Incident[].class, Rejection[].class, WardTotal[].class, WardWindow[].class,
        Alert[].class, OutputRecord[].class, ArchivedReport[].class, java.time.LocalDate.class,
        EventBuckets.class, WardLimits.class, WardStatus[].class, SurgeWindow[].class, ClockReading[].class,
        BatchDigest.class, BatchDigest.Figure.Kind.class, BatchDigest.Figure[].class};

    /** Classes of other packages that are not public, registered by name. */
    private static final String[] PRIVATE_CLASSES = {
        "org.hospital.incidents.stream.sink.BatchOutputWriter$TaskFiles",
        "[Lorg.hospital.incidents.stream.sink.BatchOutputWriter$TaskFiles;",
        // What Spark itself moves around in a streaming job but does not register (found with
        // registrationRequired in the graph and integration tests).
        "scala.collection.immutable.Nil$",
        "scala.collection.mutable.ArrayBuffer",
        "scala.reflect.ClassTag$GenericClassTag",
        "scala.reflect.ManifestFactory$ObjectManifest",
        "scala.reflect.ManifestFactory$LongManifest",
        // The socket receiver travels to its executor inside an RDD of receivers (it gets Java serialization
        // below: it holds the byte-to-line converter, a lambda that Kryo 4 cannot write).
        "[Lorg.apache.spark.streaming.receiver.Receiver;",
    };

    /**
     * Sets Kryo as Spark's serializer with this registrator, unless the configuration already names a serializer
     * (spark-submit {@code --conf} wins, as for every other key).
     *
     * @param conf Spark configuration, modified in place
     * @return {@code conf}
     */
    public static SparkConf configure(SparkConf conf) {
        return configure(conf, null);
    }

    /**
     * As {@link #configure(SparkConf)}, with a second registrator for a job's own classes (the analytics job's
     * rows): Spark applies every class named in {@code spark.kryo.registrator}.
     *
     * @param conf Spark configuration, modified in place
     * @param more the job's own registrator, or null
     * @return {@code conf}
     */
    public static SparkConf configure(SparkConf conf, Class<? extends KryoRegistrator> more) {
        conf.setIfMissing("spark.serializer", KryoSerializer.class.getName());
        conf.setIfMissing("spark.kryo.registrator", KryoClasses.class.getName()
                + (more == null ? "" : "," + more.getName()));
        // No object graph the job serializes has a cycle or shares objects that matter; with reference tracking on,
        // Kryo remembered every object it wrote, and writing the incident ledger's state at each checkpoint spent
        // most of its time there (IdentityObjectIntMap in a JFR recording).
        conf.setIfMissing("spark.kryo.referenceTracking", "false");
        // A checkpoint writes each ledger bucket as one record (about 68 bytes an entry): Spark's 64 MB default would
        // stop a ledger of about 120 million entries; 512 MB takes one of a billion (docs/PERFORMANCE.md).
        conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
        return conf;
    }

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> record : RECORDS) {
            kryo.register(record, new RecordSerializer<>(record));
        }
        for (Class<?> type : CLASSES) {
            kryo.register(type);
        }
        kryo.register(LedgerEntry.class, new LedgerEntrySerializer());
        kryo.register(LedgerShard.class, new LedgerShardKryoForm());
        kryo.register(BucketLines.class, new BucketLinesSerializer());
        // Once per receiver start, not per record: Java serialization is fine and copes with the lambda inside.
        kryo.register(SocketReceiverClass.TYPE, new JavaSerializer());
        for (String name : PRIVATE_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, KryoClasses.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // A Spark or Scala class that this version does not have: nothing to register.
            }
        }
    }

    /**
     * The incident ledger's entry, written field by field: the ward id, three enum ordinals in one byte each, three
     * variable-length longs (times as deltas from {@code occurredAt}, which keeps them short) and the flag. About
     * {@code 20 + wardId length} bytes per entry in the checkpoint, against about twice that with the record
     * serializer (a class id per component).
     */
    static final class LedgerEntrySerializer extends Serializer<LedgerEntry> {

        @Override
        public void write(Kryo kryo, Output output, LedgerEntry entry) {
            output.writeString(entry.wardId());
            output.writeByte(entry.harmLevel().ordinal());
            output.writeByte(entry.category().ordinal());
            output.writeByte(entry.reportType().ordinal());
            output.writeLong(entry.occurredAtMillis());
            output.writeVarLong(entry.firstSeenBatchTime() - entry.occurredAtMillis(), false);
            output.writeBoolean(entry.updatedAtMillis() != Candidate.NO_TIME);
            if (entry.updatedAtMillis() != Candidate.NO_TIME) {
                output.writeVarLong(entry.updatedAtMillis() - entry.occurredAtMillis(), false);
            }
            output.writeBoolean(entry.requalified());
        }

        @Override
        public LedgerEntry read(Kryo kryo, Input input, Class<LedgerEntry> type) {
            String ward = input.readString();
            HarmLevel harm = HarmLevel.values()[input.readByte()];
            EventCategory category = EventCategory.values()[input.readByte()];
            ReportType reportType = ReportType.values()[input.readByte()];
            long occurredAt = input.readLong();
            long firstSeen = occurredAt + input.readVarLong(false);
            long updatedAt = input.readBoolean() ? occurredAt + input.readVarLong(false) : Candidate.NO_TIME;
            return new LedgerEntry(ward, harm, category, reportType, occurredAt, firstSeen, updatedAt,
                    input.readBoolean());
        }
    }

    /**
     * What crosses the ledger's shuffle, written in one loop: the batch time, the count, then per candidate its
     * strings, enum ordinals and times, without a class id per field (the record serializer's per-component class ids
     * showed in a JFR recording of a backlog).
     */
    static final class BucketLinesSerializer extends Serializer<BucketLines> {

        @Override
        public void write(Kryo kryo, Output output, BucketLines bucket) {
            output.writeLong(bucket.batchTimeMillis());
            output.writeInt(bucket.lines().size(), true);
            for (Candidate c : bucket.lines()) {
                output.writeString(c.eventId());
                output.writeString(c.wardId());
                output.writeByte(c.harmLevel().ordinal());
                output.writeByte(c.category().ordinal());
                output.writeByte(c.reportType().ordinal());
                output.writeLong(c.occurredAtMillis());
                output.writeLong(c.updatedAtMillis());
                output.writeString(c.reviewedBy());
                output.writeLong(c.reviewedAtMillis());
                output.writeInt(c.partition(), true);
                output.writeInt(c.position(), true);
            }
        }

        @Override
        public BucketLines read(Kryo kryo, Input input, Class<BucketLines> type) {
            long batchTime = input.readLong();
            int size = input.readInt(true);
            java.util.ArrayList<Candidate> lines = new java.util.ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                lines.add(new Candidate(input.readString(), input.readString(), HarmLevel.values()[input.readByte()],
                        EventCategory.values()[input.readByte()], ReportType.values()[input.readByte()],
                        input.readLong(), input.readLong(), input.readString(), input.readLong(),
                        input.readInt(true), input.readInt(true)));
            }
            return new BucketLines(batchTime, lines);
        }
    }

    /** Spark's socket receiver class, not public. */
    private static final class SocketReceiverClass {
        static final Class<?> TYPE;

        static {
            try {
                TYPE = Class.forName("org.apache.spark.streaming.dstream.SocketReceiver");
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * Serializes a Java record through its components and canonical constructor, so the record's own checks
     * run again on reading. Components are written with their classes (they may be null or subclasses).
     *
     * @param <T> the record type
     */
    public static final class RecordSerializer<T> extends Serializer<T> {

        /**
         * Each record class's accessors and canonical constructor, made once per class. Spark makes Kryo instances
         * again and again through a run (its pool holds them softly), each registering a new serializer; had each
         * its own {@link Method} objects, every one would get its own generated reflection accessor class after
         * fifteen calls: a JFR recording of a backlog run showed 800 such classes made in 35 s, each compiled anew
         * by the JIT, which bounds a fresh job (docs/PERFORMANCE.md). Shared, they are made once.
         */
        private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
            @Override
            protected Shape computeValue(Class<?> type) {
                RecordComponent[] components = type.getRecordComponents();
                Method[] accessors = new Method[components.length];
                Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    accessors[i] = components[i].getAccessor();
                    accessors[i].setAccessible(true);
                    types[i] = components[i].getType();
                }
                try {
                    Constructor<?> constructor = type.getDeclaredConstructor(types);
                    constructor.setAccessible(true);
                    return new Shape(accessors, constructor);
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("record without canonical constructor: " + type, e);
                }
            }
        };

        /** A record class's accessors, in component order, and its canonical constructor, both accessible. */
        private record Shape(Method[] accessors, Constructor<?> constructor) {
        }

        private final Method[] accessors;
        private final Constructor<T> constructor;

        /**
         * @param type a record class
         * @throws IllegalArgumentException when it is not a record
         */
        @SuppressWarnings("unchecked")
        public RecordSerializer(Class<T> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type + " is not a record");
            }
            Shape shape = SHAPES.get(type);
            accessors = shape.accessors();
            constructor = (Constructor<T>) shape.constructor();
        }

        /** @return the accessor methods this serializer calls: the same objects for every serializer of a class */
        Method[] accessors() {
            return accessors;
        }

        @Override
        public void write(Kryo kryo, Output output, T record) {
            try {
                for (Method accessor : accessors) {
                    kryo.writeClassAndObject(output, accessor.invoke(record));
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read record " + record.getClass().getName(), e);
            }
        }

        @Override
        public T read(Kryo kryo, Input input, Class<T> type) {
            Object[] values = new Object[accessors.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = kryo.readClassAndObject(input);
            }
            try {
                return constructor.newInstance(values);
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot rebuild record " + type.getName(), e);
            }
        }
    }
}

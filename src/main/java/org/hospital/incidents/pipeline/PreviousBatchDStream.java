package org.hospital.incidents.pipeline;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.DStream;
import scala.Option;
import scala.reflect.ClassTag;

/**
 * A stream whose RDD at batch time {@code t} is another stream's RDD at {@code t - slide}: the state a batch starts
 * from, read the way Spark's own {@code StateDStream} reads its previous state ({@code getOrCompute(t - slide)}).
 *
 * <p>Why: a batch is judged by the event-time clock as it stood before it (docs/DESIGN.md "Surges in event time"),
 * made from the wards' state after the batch before ({@link org.hospital.incidents.model.WardStatus#clock()},
 * {@link EventTimeRule#clock}). That state was computed and
 * cached by the previous batch's job, so the ward changes of this batch are made in the task that makes the verdicts
 * (without the ledger: in the parsing task), with no stage and no state of its own for the clock
 * (docs/PERFORMANCE.md "The batch's critical path").
 *
 * <p>The stream it follows is set after construction ({@link #follow}), because it is the ward state, which this
 * stream's own RDDs help compute; for the same reason it is not declared as a dependency (the graph would have a
 * cycle, which Spark's traversals do not expect: a state stream does not declare its own previous RDD either). The
 * followed stream keeps each RDD for at least one slide: a state stream is checkpointed, and keeps its RDDs for two
 * checkpoint intervals. The first batch has no previous one: its RDD is empty. After a recovery the followed stream
 * recomputes its RDD at {@code t - slide} from its checkpoint, as a state stream does.
 *
 * @param <T> element type
 */
public final class PreviousBatchDStream<T> extends DStream<T> {

    private static final long serialVersionUID = 1L;

    private final Duration slide;
    private final ClassTag<T> tag;
    private DStream<T> followed;

    /**
     * @param ssc the streaming context
     * @param slide the batch interval (the followed stream's slide)
     * @param tag the element type's tag
     */
    public PreviousBatchDStream(StreamingContext ssc, Duration slide, ClassTag<T> tag) {
        super(ssc, tag);
        this.slide = slide;
        this.tag = tag;
    }

    /**
     * @param stream the stream to read one batch behind; set once, before the context starts
     * @throws IllegalStateException when a stream is already set
     */
    public void follow(DStream<T> stream) {
        if (followed != null) {
            throw new IllegalStateException("already follows a stream");
        }
        followed = stream;
    }

    @Override
    public Duration slideDuration() {
        return slide;
    }

    @Override
    public scala.collection.immutable.List<DStream<?>> dependencies() {
        return scala.collection.immutable.List$.MODULE$.empty();
    }

    @Override
    public Option<RDD<T>> compute(Time validTime) {
        if (followed == null) {
            throw new IllegalStateException("PreviousBatchDStream follows no stream");
        }
        Time previous = validTime.$minus(slide);
        Option<RDD<T>> rdd = previous.$greater(zeroTime()) ? followed.getOrCompute(previous) : Option.empty();
        if (rdd.isEmpty()) {
            return Option.apply(ssc().sparkContext().emptyRDD(tag));
        }
        // A pass-through over the followed RDD, not the RDD itself: a stream's checkpoint data lists the checkpoint
        // files of the RDDs it generated, and the followed state stream deletes its old files on its own schedule.
        // Listing them here made a metadata checkpoint name a file already deleted, and a restart from it failed
        // ("Checkpoint directory does not exist: .../rdd-632", bin/incident-bench's recovery run).
        return Option.apply(JavaRDD.fromRDD(rdd.get(), tag).mapPartitions(part -> part, true).rdd());
    }
}

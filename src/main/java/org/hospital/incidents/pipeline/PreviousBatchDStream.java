package org.hospital.incidents.pipeline;

import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.DStream;
import scala.Option;
import scala.reflect.ClassTag;

/**
 * A stream whose RDD at batch time {@code t} is its parent's RDD at {@code t - slide}: the state a batch starts
 * from, as Spark's own {@code StateDStream} reads it (its previous state is {@code getOrCompute(t - slide)}).
 *
 * <p>Why: the event-time clock a batch is judged by is the clock after the batch before
 * ({@link org.hospital.incidents.model.EventClock#before()}). Read from the clock of this batch, the ward changes had
 * to wait for this batch's clock, itself computed from this batch's verdicts: one more stage in every batch's chain.
 * Read from the previous batch's clock, which that batch's job computed and cached, they are computed in the same
 * task as the verdicts (docs/PERFORMANCE.md "One stage less"). The values are the same.
 *
 * <p>The first batch has no previous one: its RDD is the given start value. After a recovery the parent
 * recomputes its RDD at {@code t - slide} from its checkpoint, as a state stream does.
 *
 * @param <T> element type
 */
public final class PreviousBatchDStream<T> extends DStream<T> {

    private static final long serialVersionUID = 1L;

    private final DStream<T> parent;
    private final T start;
    private final ClassTag<T> tag;

    /**
     * @param parent the stream to read one batch behind (a state stream: an RDD every batch)
     * @param start the one element of the first batch's RDD
     * @param tag the element type's tag
     */
    public PreviousBatchDStream(DStream<T> parent, T start, ClassTag<T> tag) {
        super(parent.ssc(), tag);
        this.parent = parent;
        this.start = start;
        this.tag = tag;
    }

    @Override
    public Duration slideDuration() {
        return parent.slideDuration();
    }

    @Override
    public scala.collection.immutable.List<DStream<?>> dependencies() {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.<DStream<?>>of(parent)).toList();
    }

    /** The parent must keep its RDDs one slide longer than this stream keeps its own. */
    @Override
    public Duration parentRememberDuration() {
        return rememberDuration().$plus(slideDuration());
    }

    @Override
    public Option<RDD<T>> compute(Time validTime) {
        Time previous = validTime.$minus(slideDuration());
        if (previous.$greater(zeroTime())) {
            return parent.getOrCompute(previous);
        }
        return Option.apply(ssc().sparkContext().parallelize(
                scala.jdk.javaapi.CollectionConverters.asScala(List.of(start)).toSeq(), 1, tag));
    }
}

package org.hospital.incidents.stream.sink;

import java.io.Serializable;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Coalesces a batch's union of outputs into write tasks by dealing its partitions out in turn: partition {@code i}
 * goes to task {@code i % tasks}.
 *
 * <p>Why not Spark's default coalescer: without locality to go by (every block of a batch sits on the same
 * executors) it gives each task a contiguous range of the union's partitions, and the union is laid out output by
 * output, so the two partitions of the ward state (and the ward-windows lines built from them) would both land in
 * the first task and the batch would still be written by one core. Dealt in turn, each output's partitions spread
 * over the tasks, and with them the work that computes them (the ward state, the settled slices, the JSON).
 */
final class RoundRobinCoalescer implements PartitionCoalescer, Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] partitions = parent.partitions();
        int tasks = Math.max(1, Math.min(maxPartitions, partitions.length));
        PartitionGroup[] groups = new PartitionGroup[tasks];
        for (int i = 0; i < tasks; i++) {
            groups[i] = new PartitionGroup(Option.empty());
        }
        for (int i = 0; i < partitions.length; i++) {
            groups[i % tasks].partitions().addOne(partitions[i]);
        }
        return groups;
    }
}

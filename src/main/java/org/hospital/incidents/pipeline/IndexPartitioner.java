package org.hospital.incidents.pipeline;

import org.apache.spark.Partitioner;

/**
 * Sends a record keyed by a partition index to that partition: how the ledger's verdicts find their way back to the
 * parsing task's cached slice ({@code zipPartitions}) without moving the slice.
 */
public final class IndexPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int partitions;

    /** @param partitions the number of partitions (the slices') */
    public IndexPartitioner(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    /**
     * @param key an {@link Integer} partition index in {@code [0, partitions)}
     * @return the key
     */
    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexPartitioner that && that.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}

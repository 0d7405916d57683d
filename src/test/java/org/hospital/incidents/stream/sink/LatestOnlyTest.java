package org.hospital.incidents.stream.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** Only the latest version of the ledger's state stays cached (OutputSinks.LatestOnly), on a real local Spark. */
class LatestOnlyTest {

    private static Set<Integer> cachedIds(JavaSparkContext sc) {
        return new TreeSet<>(sc.getPersistentRDDs().keySet());
    }

    @Test
    void eachVersionIsFreedOnceTheNextIsKept() {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("LatestOnlyTest").set("spark.ui.enabled", "false"))) {
            OutputSinks.LatestOnly latest = new OutputSinks.LatestOnly();
            JavaRDD<Integer> first = sc.parallelize(List.of(1, 2, 3), 2).persist(StorageLevel.MEMORY_ONLY());
            first.count();
            latest.keep(first.rdd());
            assertEquals(Set.of(first.id()), cachedIds(sc));
            // The same batch's RDD again (a stream with two output operations): kept, not freed.
            latest.keep(first.rdd());
            assertEquals(Set.of(first.id()), cachedIds(sc));
            JavaRDD<Integer> second = first.map(x -> x + 1).persist(StorageLevel.MEMORY_ONLY());
            second.count();
            latest.keep(second.rdd());
            assertEquals(Set.of(second.id()), cachedIds(sc), "the version before is unpersisted");
            assertEquals(List.of(2, 3, 4), second.collect(), "the latest still reads from its cache or lineage");
        }
    }
}

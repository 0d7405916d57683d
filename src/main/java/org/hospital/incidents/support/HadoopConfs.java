package org.hospital.incidents.support;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * Hadoop configurations derived from a Spark configuration the way Spark derives its own: every
 * {@code spark.hadoop.<key>} becomes {@code <key>} (Spark configuration guide, "Custom Hadoop/Hive
 * Configuration").
 */
public final class HadoopConfs {

    /** Hadoop's umask key: HDFS and Hadoop's local file system apply it to every file and folder they create. */
    public static final String UMASK_KEY = "fs.permissions.umask-mode";

    /**
     * The umask that makes what the project writes owner-only: files 0600, folders 0700 (docs/DESIGN.md "Privacy
     * and hostile input"). The shipped config sets it as {@code spark.hadoop.fs.permissions.umask-mode}, so Spark's
     * own checkpoint and write-ahead-log files get it too.
     */
    public static final String OWNER_ONLY_UMASK = "077";

    private static SparkEnv cachedFor;
    private static Configuration cached;

    private HadoopConfs() {
    }

    /**
     * @param conf a Spark configuration
     * @return a new Hadoop configuration: Hadoop's defaults, the owner-only umask unless {@code conf} sets one, and
     *     the {@code spark.hadoop.*} keys of {@code conf}
     */
    public static Configuration fromSpark(SparkConf conf) {
        Configuration hadoop = ownerOnly(new Configuration());
        for (scala.Tuple2<String, String> entry : conf.getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(entry._1(), entry._2(), "spark.hadoop." + entry._1());
        }
        return hadoop;
    }

    /**
     * @param conf a Hadoop configuration
     * @return the same, with the owner-only umask ({@value #OWNER_ONLY_UMASK})
     */
    public static Configuration ownerOnly(Configuration conf) {
        conf.set(UMASK_KEY, OWNER_ONLY_UMASK, "owner-only (docs/DESIGN.md \"Privacy and hostile input\")");
        return conf;
    }

    /**
     * The Hadoop configuration of the application running in this JVM, built once per Spark environment. Tasks
     * use it instead of a configuration shipped with each job: a serialized {@link Configuration} carries every
     * Hadoop default, and writing it into each batch's task closure showed up in the job's profile.
     *
     * @return the configuration of {@link SparkEnv#get()}'s Spark configuration; do not modify it
     * @throws IllegalStateException outside a Spark application
     */
    public static synchronized Configuration forThisApplication() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            throw new IllegalStateException("no Spark environment in this JVM");
        }
        if (env != cachedFor) {
            cached = fromSpark(env.conf());
            cachedFor = env;
        }
        return cached;
    }

    /**
     * @return {@link #forThisApplication()} inside a Spark application, else Hadoop's defaults (a tool such as the
     *     history importer, which writes the archive without Spark)
     */
    public static Configuration current() {
        return SparkEnv.get() != null ? forThisApplication() : ownerOnly(new Configuration());
    }
}

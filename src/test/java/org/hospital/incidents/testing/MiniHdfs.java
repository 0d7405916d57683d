package org.hospital.incidents.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real single-DataNode HDFS (MiniDFSCluster) on a fixed free port, so a restarted NameNode keeps its URI. */
public final class MiniHdfs implements AutoCloseable {

    private final MiniDFSCluster cluster;

    /**
     * Starts the cluster and waits until it is active.
     *
     * @param baseDir where the NameNode and DataNode keep their data
     * @throws IOException when it does not start
     */
    public MiniHdfs(Path baseDir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        cluster = new MiniDFSCluster.Builder(conf).nameNodePort(Scripts.freePort()).numDataNodes(1).build();
        cluster.waitActive();
    }

    /** @return {@code hdfs://localhost:PORT} */
    public String uri() {
        return "hdfs://localhost:" + cluster.getNameNodePort();
    }

    /** @return the cluster, for fault injection */
    public MiniDFSCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}

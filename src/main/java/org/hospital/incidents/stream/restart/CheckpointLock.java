package org.hospital.incidents.stream.restart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.hospital.incidents.support.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver per checkpoint (docs/DESIGN.md "One driver, alerts exactly once…"), for every source, socket-only jobs
 * included. The exclusion rests on an atomic primitive: creating a file that does not exist yet — HDFS's
 * {@code create(path, overwrite=false)}, decided by the NameNode, and on local disk {@code O_CREAT|O_EXCL}
 * ({@link Files#createFile}; Hadoop's local file system checks and then creates, which is not atomic).
 *
 * <p>The lock is the file {@code <checkpoint>/_driver.lock.<generation>} with the highest generation. A driver takes
 * it by creating the next generation's file: of two drivers started in the same instant exactly one creates it, the
 * other exits 2. The holder renews it every {@value #RENEW_MILLIS} ms (its modification time moves); a driver that
 * finds the lock watches it for {@value #TTL_MILLIS} ms: renewed means a live driver (exit 2), not renewed means the
 * holder is gone (a SIGKILL), and the new driver creates the next generation. A holder that finds a higher
 * generation (a {@code --takeover}, or a successor after a pause longer than the TTL) has lost the lock: the output
 * writer asks {@link #assertHeld} before each batch's outputs, so it stops before its next output. Never
 * check-then-act: the only step that decides is the atomic create; staleness is observed, not compared across
 * clocks.
 */
public final class CheckpointLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLock.class);

    /** File name prefix under the checkpoint. */
    public static final String PREFIX = "_driver.lock.";

    /** How often the holder renews, millis. */
    public static final long RENEW_MILLIS = 1_000;

    /** A lock not renewed for this long is a dead holder's, millis. */
    public static final long TTL_MILLIS = 10_000;

    /** The lock this driver holds, if any: what the output writer asks. */
    private static volatile CheckpointLock held;

    private final FileSystem fs;
    private final Path dir;
    private final long generation;
    private final Path file;
    private final ScheduledExecutorService renewer;
    private volatile String lostTo;

    /** Another live driver holds the checkpoint, or won the race to it. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    private CheckpointLock(FileSystem fs, Path dir, long generation, Path file) {
        this.fs = fs;
        this.dir = dir;
        this.generation = generation;
        this.file = file;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "checkpoint-lock-renewer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes the checkpoint's lock, watching a current holder for up to {@value #TTL_MILLIS} ms first.
     *
     * @param checkpoint the checkpoint directory (local path or Hadoop URI); created when missing
     * @param conf Hadoop configuration
     * @param takeover true to take the lock from a live holder ({@code --takeover}): it stops before its next output
     * @return the lock, renewed until {@link #close}
     * @throws HeldException when a live driver holds it, or another driver took it first (its owner named)
     * @throws IOException when the checkpoint's file system fails
     * @throws InterruptedException when interrupted while watching
     */
    public static CheckpointLock acquire(String checkpoint, Configuration conf, boolean takeover)
            throws HeldException, IOException, InterruptedException {
        Path dir = new Path(checkpoint);
        FileSystem fs = dir.getFileSystem(conf);
        fs = fs instanceof LocalFileSystem local ? local.getRaw() : fs;
        if (!fs.exists(dir)) {
            fs.mkdirs(dir);
        }
        FileStatus current = newest(fs, dir);
        long next = 1;
        if (current != null) {
            next = generation(current.getPath()) + 1;
            if (!takeover) {
                watch(fs, dir, current);
            }
        }
        Path file = new Path(dir, PREFIX + next);
        String owner = owner();
        if (!create(fs, file, owner)) {
            throw new HeldException("another driver took " + checkpoint + " at the same moment (" + read(fs, file)
                    + "); one driver per checkpoint");
        }
        CheckpointLock lock = new CheckpointLock(fs, dir, next, file);
        // Older generations are a dead or displaced holder's: removed, so the folder keeps one file.
        for (FileStatus old : fs.listStatus(dir, p -> p.getName().startsWith(PREFIX))) {
            if (generation(old.getPath()) < next) {
                fs.delete(old.getPath(), false);
            }
        }
        lock.renewer.scheduleWithFixedDelay(lock::renew, RENEW_MILLIS, RENEW_MILLIS, TimeUnit.MILLISECONDS);
        held = lock;
        LOG.info("Driver lock on {} taken (generation {}){}", checkpoint, next, current == null ? ""
                : takeover ? " from a live driver (--takeover): it stops before its next output"
                : " from a driver that stopped renewing it");
        return lock;
    }

    /** Watches a holder: renewed within the TTL (or displaced by a newer generation) means someone else is live. */
    private static void watch(FileSystem fs, Path dir, FileStatus current) throws HeldException, IOException,
            InterruptedException {
        long seen = current.getModificationTime();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TTL_MILLIS);
        LOG.info("Checkpoint {} has a driver lock ({}): watching it for up to {} s", dir, read(fs, current.getPath()),
                TTL_MILLIS / 1000);
        while (System.nanoTime() < deadline) {
            Thread.sleep(RENEW_MILLIS / 4);
            FileStatus now = newest(fs, dir);
            if (now == null) {
                return; // released by a graceful stop
            }
            if (!now.getPath().equals(current.getPath()) || now.getModificationTime() != seen) {
                throw new HeldException("a live driver holds " + dir + " (" + read(fs, now.getPath()) + "); one "
                        + "driver per checkpoint (--takeover to replace it)");
            }
        }
    }

    /** Renews the lock, or notes that it was lost. */
    private void renew() {
        try {
            String other = displacedBy();
            if (other != null) {
                if (lostTo == null) {
                    LOG.error("Driver lock on {} lost to {}: this driver stops before its next output", dir, other);
                }
                lostTo = other;
                return;
            }
            long now = System.currentTimeMillis();
            if (fs instanceof RawLocalFileSystem local) {
                Files.setLastModifiedTime(local.pathToFile(file).toPath(), FileTime.fromMillis(now));
            } else {
                fs.setTimes(file, now, -1);
            }
        } catch (IOException | RuntimeException e) {
            // A file system that does not answer for a moment: the next renewal tries again; a holder that cannot
            // renew for the TTL may be displaced, which the writer then sees.
            LOG.warn("Driver lock on {}: renewal failed: {}", dir, e.toString());
        }
    }

    /** @return the owner of a newer generation, or "nobody (the lock file is gone)", or null while held */
    private String displacedBy() throws IOException {
        FileStatus newest = newest(fs, dir);
        if (newest == null || !fs.exists(file)) {
            return "nobody (the lock file " + file + " is gone)";
        }
        return generation(newest.getPath()) > generation ? read(fs, newest.getPath()) : null;
    }

    /**
     * Called by the output writer before a batch's outputs: fails the batch when this driver no longer holds its
     * checkpoint's lock, so a displaced driver writes nothing more. No lock taken (a graph test): nothing to check.
     *
     * @throws IllegalStateException naming the new holder when the lock was lost
     */
    public static void assertHeld() {
        CheckpointLock lock = held;
        if (lock == null) {
            return;
        }
        String other = lock.lostTo;
        if (other == null) {
            try {
                other = lock.displacedBy();
            } catch (IOException e) {
                throw new IllegalStateException("cannot check the driver lock on " + lock.dir + ": " + e, e);
            }
        }
        if (other != null) {
            lock.lostTo = other;
            throw new IllegalStateException("this driver no longer holds " + lock.dir + " (now " + other + "): "
                    + "stopping before the batch's outputs");
        }
    }

    /** @return true while this driver holds the lock */
    public boolean holds() {
        try {
            return lostTo == null && displacedBy() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops renewing without removing the file: what a SIGKILL leaves behind (for tests). */
    void abandon() {
        renewer.shutdownNow();
        if (held == this) {
            held = null;
        }
    }

    /** Stops renewing and removes the lock file when this driver still holds it (a graceful stop). */
    @Override
    public synchronized void close() {
        renewer.shutdownNow();
        if (held == this) {
            held = null;
        }
        try {
            if (lostTo == null && displacedBy() == null) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("Driver lock on {}: not removed ({}); the next driver waits {} s for it", dir, e.toString(),
                    TTL_MILLIS / 1000);
        }
    }

    private static boolean create(FileSystem fs, Path file, String owner) throws IOException {
        byte[] bytes = owner.getBytes(StandardCharsets.UTF_8);
        try {
            if (fs instanceof RawLocalFileSystem local) {
                java.nio.file.Path path = Files.createFile(local.pathToFile(file).toPath(),
                        PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
                Files.write(path, bytes);
            } else {
                try (OutputStream out = fs.create(file, false)) {
                    out.write(bytes);
                }
            }
            return true;
        } catch (FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (org.apache.hadoop.ipc.RemoteException e) {
            // The NameNode refuses a create that lost the race: the file exists, or another writer is creating it.
            if (e.getClassName().endsWith("FileAlreadyExistsException")
                    || e.getClassName().endsWith("AlreadyBeingCreatedException")) {
                return false;
            }
            throw e;
        }
    }

    private static FileStatus newest(FileSystem fs, Path dir) throws IOException {
        FileStatus newest = null;
        for (FileStatus status : fs.listStatus(dir, p -> p.getName().startsWith(PREFIX))) {
            if (newest == null || generation(status.getPath()) > generation(newest.getPath())) {
                newest = status;
            }
        }
        return newest;
    }

    private static long generation(Path lockFile) {
        try {
            return Long.parseLong(lockFile.getName().substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String read(FileSystem fs, Path file) {
        try (java.io.InputStream in = fs.open(file)) {
            return new String(in.readNBytes(512), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static String owner() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "host " + host + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + ", driver "
                + UUID.randomUUID();
    }
}

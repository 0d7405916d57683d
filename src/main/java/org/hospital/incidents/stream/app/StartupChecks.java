package org.hospital.incidents.stream.app;

import org.hospital.incidents.stream.config.Setting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.hospital.incidents.model.SurgeLimits;
import org.hospital.incidents.parse.Pseudonymizer;
import org.hospital.incidents.stream.config.CheckpointSettings;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.config.SurgeLimitsFile;
import org.hospital.incidents.stream.restart.CheckpointLock;
import org.hospital.incidents.stream.restart.DriverLease;
import org.hospital.incidents.stream.restart.StartupWait;
import org.hospital.incidents.stream.sink.BatchOutputWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.hospital.incidents.stream.config.SettingKeys;

/**
 * Everything checked before the streaming context is created or recovered, in this order: the pseudonymisation
 * key file (created when missing; refused when others can read it), the checkpoint's and archive's file systems
 * answering within {@code startup-timeout-seconds}, the archive writable, a checkpoint's settings equal to this
 * run's, the {@code --surge-limits} file, the driver lease of the Kafka consumer group, and owner-only roots
 * (docs/DESIGN.md "Restarts and upgrades", "Privacy and hostile input"). Each failure is one line and an exit
 * status: 2 for what the user must change (a setting, a file, a live driver on the group), 1 for what may pass
 * (Kafka or HDFS not answering).
 */
final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    /**
     * A start that passed every check.
     *
     * @param sparkConf the Spark configuration with the settings applied
     * @param hadoopConf the Hadoop configuration the checks used (and the checkpoint read uses: Hadoop caches the
     *     first {@code FileSystem} per authority, see {@link ContextFactory#hadoopConf})
     * @param lease the group's driver lease (renewed until closed), or null without Kafka
     * @param lock the checkpoint's driver lock (renewed until closed)
     */
    record Passed(SparkConf sparkConf, Configuration hadoopConf, DriverLease lease, CheckpointLock lock) {
    }

    /** A check that failed: its one line (without the tool's name) and the exit status. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Failed(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private StartupChecks() {
    }

    /**
     * @param settings validated settings
     * @param conf base Spark configuration (tests supply the master here)
     * @return what the run needs; the caller closes the lease
     * @throws Failed with the line to print and the exit status
     * @throws InterruptedException when interrupted while waiting for a file system or Kafka
     */
    static Passed run(Settings settings, SparkConf conf) throws Failed, InterruptedException {
        Path keyFile = Path.of(settings.pseudonymKeyFile());
        try {
            if (Pseudonymizer.ensureKeyFile(keyFile)) {
                // The path only: the key itself is never logged.
                LOG.info("Created the pseudonymisation key file {} ({} random bytes, owner read/write only). Keep "
                        + "it: patient tokens depend on it, and a new key gives every patient a new token.",
                        keyFile.toAbsolutePath(), Pseudonymizer.GENERATED_KEY_BYTES);
            }
        } catch (IOException e) {
            throw new Failed(2, Setting.PSEUDONYM_KEY_FILE.key() + ": " + e.getMessage());
        }
        LOG.info("Configuration: {}", settings.configFile() == null
                ? "built-in defaults (no --config, no -D" + SettingKeys.CONFIG_PROPERTY + ")"
                : "built-in defaults, then " + Path.of(settings.configFile()).toAbsolutePath() + ", then the flags");
        SparkConf sparkConf = ContextFactory.sparkConf(settings, conf);
        // One Hadoop configuration for the start-up checks and the checkpoint read (Hadoop caches the first
        // FileSystem per authority, see ContextFactory#hadoopConf).
        Configuration hadoopConf = ContextFactory.hadoopConf(sparkConf);
        try {
            StartupWait.fileSystem("--checkpoint", settings.checkpoint(), hadoopConf,
                    settings.startupTimeoutSeconds());
            if (settings.archive() != null) {
                StartupWait.fileSystem("--archive", settings.archive(), hadoopConf, settings.startupTimeoutSeconds());
            }
        } catch (StartupWait.NoAnswer e) {
            throw new Failed(1, e.getMessage());
        }
        // One driver per checkpoint, decided by an atomic create under it (CheckpointLock), before anything is
        // written: of two drivers started together, the second stops here.
        CheckpointLock lock;
        try {
            lock = CheckpointLock.acquire(settings.checkpoint(), hadoopConf, settings.takeover());
        } catch (CheckpointLock.HeldException e) {
            throw new Failed(2, e.getMessage());
        } catch (IOException e) {
            throw new Failed(1, "--checkpoint " + settings.checkpoint() + ": cannot take the driver lock: " + e);
        }
        try {
            return checked(settings, sparkConf, hadoopConf, lock);
        } catch (Failed | InterruptedException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Passed checked(Settings settings, SparkConf sparkConf, Configuration hadoopConf,
            CheckpointLock lock) throws Failed, InterruptedException {
        if (settings.archive() != null) {
            try {
                BatchOutputWriter.checkWritable(settings.archive(), hadoopConf);
            } catch (IOException | RuntimeException e) {
                throw new Failed(2, "--archive: cannot write to " + settings.archive() + ": " + e);
            }
        }
        String refusal = checkRecovery(settings, hadoopConf);
        if (refusal != null) {
            throw new Failed(2, refusal);
        }
        if (settings.surgeLimits() != null) {
            // Read at every start, fresh or recovered: the checkpoint holds the file's URI, not its limits.
            try {
                SurgeLimits limits = SurgeLimitsFile.load(settings.surgeLimits(), settings.graph().windowSeconds(),
                        settings.graph().surgeThreshold(), hadoopConf);
                LOG.info("SURGE limits: {} wards with limits learnt from history ({}); every other ward uses "
                        + "--surge-threshold {}", limits.byWard().size(), settings.surgeLimits(),
                        settings.graph().surgeThreshold());
            } catch (SurgeLimitsFile.Refused | IOException e) {
                throw new Failed(2, e.getMessage());
            }
        } else {
            LOG.info("SURGE limits: every ward uses --surge-threshold {} (no --surge-limits)",
                    settings.graph().surgeThreshold());
        }
        DriverLease lease = null;
        if (settings.kafkaBootstrap() != null) {
            try {
                lease = DriverLease.acquire(settings.kafkaBootstrap(), settings.groupId(), settings.checkpoint(),
                        settings.kafkaConsumerParams(), settings.takeover(), settings.startupTimeoutSeconds());
            } catch (DriverLease.HeldException e) {
                throw new Failed(2, e.getMessage());
            } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                // A timeout's message names the bootstrap servers already.
                throw new Failed(1, (e.getCause() instanceof java.util.concurrent.TimeoutException
                        ? "" : "--kafka " + settings.kafkaBootstrap() + ": ") + e.getMessage());
            }
        }
        try {
            // Owner-only roots (docs/DESIGN.md "Privacy and hostile input"), once this driver holds the lease (a
            // refused driver writes nothing): what is made inside them is owner-only too.
            for (String root : new String[] {settings.checkpoint(), settings.output(), settings.archive()}) {
                String wider = root == null ? null : BatchOutputWriter.ownerOnlyRoot(root, hadoopConf);
                if (wider != null) {
                    LOG.warn("{}", wider);
                }
            }
        } catch (IOException e) {
            if (lease != null) {
                lease.close();
            }
            throw new Failed(2, "cannot create " + e.getMessage());
        }
        return new Passed(sparkConf, hadoopConf, lease, lock);
    }

    /**
     * Before a recovery: compares the settings the checkpoint keeps with this run's (DESIGN.md "Restarts and
     * upgrades") and logs the ones in force.
     *
     * @param settings this run's settings
     * @param hadoopConf Hadoop configuration for the checkpoint directory
     * @return the refusal (exit 2) naming each differing setting, or null to go on
     */
    static String checkRecovery(Settings settings, Configuration hadoopConf) {
        try {
            if (!CheckpointSettings.hasCheckpoint(settings.checkpoint(), hadoopConf)) {
                LOG.info("No checkpoint in {}: starting a new one", settings.checkpoint());
                return null;
            }
            if (settings.resetState()) {
                LOG.warn("--reset-state has no effect: recovering from the checkpoint in {} keeps its state",
                        settings.checkpoint());
            }
            Map<String, String> stored = CheckpointSettings.read(settings.checkpoint(), hadoopConf);
            if (stored == null) {
                LOG.warn("The checkpoint in {} has no {} (an older build wrote it): its settings, which stay in force, "
                        + "cannot be compared with this run's", settings.checkpoint(), CheckpointSettings.FILE_NAME);
                return null;
            }
            List<String> differences = CheckpointSettings.differences(stored, CheckpointSettings.frozen(settings));
            if (!differences.isEmpty()) {
                return CheckpointSettings.refusal(settings.checkpoint(), differences);
            }
            LOG.info("Recovering from the checkpoint in {}; settings in force: {}", settings.checkpoint(), stored);
            return null;
        } catch (IOException e) {
            return "--checkpoint: cannot read " + settings.checkpoint() + ": " + e;
        }
    }
}

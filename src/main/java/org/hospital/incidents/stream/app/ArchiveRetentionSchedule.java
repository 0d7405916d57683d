package org.hospital.incidents.stream.app;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.hospital.incidents.stream.config.Setting;
import org.hospital.incidents.stream.config.Settings;
import org.hospital.incidents.stream.sink.ArchivePruning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's side of the archive's retention ({@code archive-retention-days}, docs/DESIGN.md "… patient data kept only
 * as long as allowed"): at start and then once a day, the driver deletes the archive's whole days past the retention
 * ({@link ArchivePruning}: each deletion logged and audited). Read from this run's settings at every start, not from
 * the checkpoint, so a new retention applies from the next start.
 */
final class ArchiveRetentionSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRetentionSchedule.class);

    private ArchiveRetentionSchedule() {
    }

    /**
     * @param settings this run's settings
     * @param conf the Hadoop configuration of the start-up checks
     */
    static void start(Settings settings, Configuration conf) {
        int days = settings.intValue(Setting.ARCHIVE_RETENTION_DAYS);
        if (days == 0 || settings.archive() == null) {
            return;
        }
        ScheduledExecutorService daily = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "archive-retention");
            thread.setDaemon(true);
            return thread;
        });
        daily.scheduleAtFixedRate(() -> {
            try {
                int deleted = ArchivePruning.prune(settings.archive(), settings.output(), days,
                        LocalDate.now(ZoneOffset.UTC), false, conf).size();
                LOG.info("Archive retention ({} days): {} day folders deleted from {}", days, deleted,
                        settings.archive());
            } catch (java.io.IOException | RuntimeException e) {
                // The stream goes on; the next day's run tries again.
                LOG.warn("Archive retention ({} days): pruning {} failed: {}", days, settings.archive(), e.toString());
            }
        }, 0, 1, TimeUnit.DAYS);
    }
}

package org.hospital.incidents.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.hospital.incidents.stream.config.ConfigFile;
import org.hospital.incidents.stream.config.Setting;
import org.hospital.incidents.stream.config.SettingsException;
import org.hospital.incidents.stream.sink.ArchivePruning;
import org.hospital.incidents.support.HadoopConfs;
import org.hospital.incidents.support.ToolCommandLine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/incident-archive prune [--dry-run]}: deletes the archive's whole days older than
 * {@code archive-retention-days} (docs/DESIGN.md "… patient data kept only as long as allowed"), as the job does once
 * a day, each deletion logged and recorded in {@code <output>/audit/}. The archive, the output and the retention come
 * from the config file like the job's ({@code --config}), each overridable by a flag.
 *
 * <p>Exit status: 0 (also when nothing is old enough, or the retention is 0: keep everything); 1 when the file system
 * fails; 2 for a bad flag or config file.
 */
@Command(name = "incident-archive", mixinStandardHelpOptions = true, subcommands = ArchiveCommand.Prune.class,
        description = "Manage the archive of every report received.")
public final class ArchiveCommand implements Callable<Integer> {

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(ToolCommandLine.of("incident-archive", new ArchiveCommand()).execute(args));
    }

    @Override
    public Integer call() {
        stderr.println("incident-archive: a sub-command is required: prune [--dry-run]");
        return 2;
    }

    /** {@code prune}. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete whole archive days older than archive-retention-days; each deletion audited.")
    static final class Prune implements Callable<Integer> {

        @CommandLine.ParentCommand
        ArchiveCommand parent;

        @Option(names = "--dry-run", description = "List (and audit as expired) what would be deleted; delete "
                + "nothing.")
        boolean dryRun;

        @Option(names = "--archive", paramLabel = "URI", description = "Archive root (default: the config's archive).")
        String archive;

        @Option(names = "--output", paramLabel = "URI", description = "Output root whose audit/ records the "
                + "pruning (default: the config's output).")
        String output;

        @Option(names = "--retention-days", paramLabel = "N", description = "Days kept before today, UTC (default: "
                + "the config's archive-retention-days).")
        Integer retentionDays;

        @Option(names = "--config", paramLabel = "FILE", description = "Properties file (default "
                + "config/application.properties of the installation).")
        String config;

        @Override
        public Integer call() {
            String root;
            String out;
            int days;
            try {
                root = archive != null ? archive : ConfigFile.configuredValue(Setting.ARCHIVE.key(), config);
                out = output != null ? output : ConfigFile.configuredValue(Setting.OUTPUT.key(), config);
                String configured = ConfigFile.configuredValue(Setting.ARCHIVE_RETENTION_DAYS.key(), config);
                days = retentionDays != null ? retentionDays : Integer.parseInt(configured);
            } catch (SettingsException | NumberFormatException e) {
                parent.stderr.println("incident-archive: " + e.getMessage());
                return 2;
            }
            if (days < 0) {
                parent.stderr.println("incident-archive: --retention-days: expected a whole number >= 0, got " + days);
                return 2;
            }
            if ("none".equals(root)) {
                parent.stdout.println("archive is none: nothing to prune");
                return 0;
            }
            if (days == 0) {
                parent.stdout.println("archive-retention-days is 0 (keep everything): nothing pruned in " + root);
                return 0;
            }
            try {
                Configuration conf = HadoopConfs.ownerOnly(new Configuration());
                List<Path> deleted = ArchivePruning.prune(root, out, days, LocalDate.now(ZoneOffset.UTC), dryRun,
                        conf);
                for (Path day : deleted) {
                    parent.stdout.println((dryRun ? "would delete " : "deleted ") + day);
                }
                String audited = deleted.isEmpty() ? "" : "; audit under " + out + "/audit";
                parent.stdout.println(deleted.size() + (dryRun ? " day folders would be deleted"
                        : " day folders deleted") + " (older than " + days + " days)" + audited);
                return 0;
            } catch (IOException | RuntimeException e) {
                parent.stderr.println("incident-archive: " + e.getMessage());
                return 1;
            }
        }
    }
}

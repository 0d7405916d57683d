package org.hospital.incidents.stream.config;

/**
 * Renders {@code docs/CONFIGURATION.md} from the settings' one declaration ({@link Setting}): every key and flag once,
 * with its type, default, range, meaning and whether a checkpoint keeps it. The file is generated, never edited by
 * hand; a test compares it with this rendering and fails when it is stale.
 */
public final class ConfigurationDoc {

    /** Where the file is, relative to the project. */
    public static final String PATH = "docs/CONFIGURATION.md";

    private ConfigurationDoc() {
    }

    /** @return the whole file */
    public static String render() {
        StringBuilder doc = new StringBuilder(16 * 1024);
        doc.append("""
                # Configuration

                <!-- Generated from src/main/java/org/hospital/incidents/stream/config/Setting.java by
                     mvn -B -q test -Dtest=ConfigurationDocTest -Dconfiguration.doc.write=true
                     Edit Setting.java, not this file: a test fails when the two differ. -->

                Each setting is a key of the properties file (`config/application.properties` ships every default);
                a setting with a flag takes the flag's value (the key without the dashes: `--window-seconds 30` is
                `window-seconds=30`), and flags win over the file. `bin/incident-stream` reads the installation's file
                wherever it is started from (`-Dincident.config=<install>/config/application.properties`); a plain
                `spark-submit` reads one only with `--config FILE`; the working directory is never searched. Every
                default is also built into the application, so a run without a file (a driver on a cluster worker)
                behaves the same. A bad flag or value exits with status 2 and one line naming it (`incident-stream:
                --window-seconds: must be a multiple of --batch-seconds (2), got 7`); an unknown key is an error, so
                a typo never passes silently; a missing `--config` file names its path.

                A checkpoint keeps the settings marked *frozen*: a recovery with another value exits 2 naming each
                difference (docs/OPERATIONS.md "Running, stopping, recovering"). Relative local paths follow
                `-Dincident.base-dir` in cluster deploy mode.

                ## Flags and keys

                | key | flag | type | default | range | meaning | frozen |
                |---|---|---|---|---|---|---|
                """);
        for (Setting setting : Setting.values()) {
            if (setting.type() != Setting.Type.PASSED_ON) {
                row(doc, setting);
            }
        }
        doc.append("""

                Flags that are not settings: `--config FILE` (the properties file; flags win), `--reset-state` (with a
                new `--checkpoint`, every ward starts from zero instead of its latest `ward-totals` line) and
                `--takeover` (start even though a live driver holds the group's lease; it is fenced). At least one of
                `--socket` and `--kafka` is required.

                ## Spark and Kafka keys the application ships

                Keys starting `spark.` go to the SparkConf unless `spark-submit --conf` already set them (a
                `spark.streaming.*` key must be one Spark 3.5 defines); `kafka.consumer.` keys to the job's Kafka
                consumer (one of Kafka's consumer settings; those the job owns, such as `group.id`, are refused);
                `kafka.client.` keys to every Kafka client the project makes (security settings, docs/OPERATIONS.md
                "Kafka security"). These are the ones with a shipped value; they are frozen with the checkpoint like
                every `spark.*` and `kafka.*` key but the few Spark reloads itself.

                | key | default | meaning |
                |---|---|---|
                """);
        for (Setting setting : Setting.values()) {
            if (setting.type() == Setting.Type.PASSED_ON) {
                doc.append("| `").append(setting.key()).append("` | `").append(setting.defaultValue()).append("` | ")
                        .append(cell(setting.meaning())).append(" |\n");
            }
        }
        doc.append("""

                Spark serializes data with Kryo (`spark.serializer`, every class registered by `KryoClasses`); set
                `spark.serializer` with `--conf` to override.
                """);
        return doc.toString();
    }

    private static void row(StringBuilder doc, Setting setting) {
        doc.append("| `").append(setting.key()).append("` | ")
                .append(setting.hasFlag() ? "`" + setting.flag() + " " + setting.paramLabel() + "`" : "")
                .append(" | ").append(setting.type().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                .append(setting.defaultValue().isEmpty() ? "(none)" : "`" + setting.defaultValue() + "`")
                .append(" | ").append(cell(setting.range())).append(" | ").append(cell(setting.meaning()))
                .append(" | ").append(setting.frozen() ? "yes" : "no").append(" |\n");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}

package org.hospital.incidents.stream.config;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The flags of DESIGN.md "Command line", parsed with picocli from options built out of the settings' one declaration
 * ({@link Setting}: each setting with a flag, its value label and its help line with the default), plus the flags that
 * are not settings: {@code --config} and the two restart flags. Values stay strings here: {@link Settings} validates
 * flag and config-file values with the same rules and messages.
 */
public final class CommandLineOptions {

    /** {@code --config}: not a setting, it says where the settings are. */
    static final String CONFIG = "--config";
    /** {@code --reset-state}: a restart flag, this run only. */
    static final String RESET_STATE = "--reset-state";
    /** {@code --takeover}: a restart flag, this run only. */
    static final String TAKEOVER = "--takeover";

    private CommandLineOptions() {
    }

    /** @return the command line's specification: the settings' flags in declaration order, then the others */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("incident-stream").version("hospital-incident-streaming 0.1.0")
                .mixinStandardHelpOptions(true);
        spec.usageMessage().sortOptions(false)
                .description("Watches a hospital's live stream of patient-safety incident reports (Spark Streaming).")
                .footer("", "At least one of --socket and --kafka is required; both may be given (the streams are "
                        + "unioned).", "Flags override the config file; bad flags or values exit with status 2.",
                        "Every setting and config key: docs/CONFIGURATION.md.");
        for (Setting setting : Setting.flags()) {
            spec.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.paramLabel()).type(String.class)
                    .description(setting.help()).build());
        }
        spec.addOption(OptionSpec.builder(CONFIG).paramLabel("FILE").type(String.class)
                .description("Properties file (default config/application.properties of the installation); flags "
                        + "win.").build());
        spec.addOption(OptionSpec.builder(RESET_STATE).arity("0").type(boolean.class)
                .description("With a new --checkpoint: start every ward's running totals from zero instead of from "
                        + "its latest ward-totals line under --output.").build());
        spec.addOption(OptionSpec.builder(TAKEOVER).arity("0").type(boolean.class)
                .description("Start even though another live driver holds this --group-id's lease (it is fenced).")
                .build());
        return spec;
    }

    /**
     * Parses arguments and resolves them against the config file.
     *
     * @param args command-line arguments
     * @return validated settings, or null when {@code --help} or {@code --version} was printed
     * @throws SettingsException on an unknown flag, a missing value or a bad value, naming the flag
     */
    public static Settings parse(String... args) throws SettingsException {
        CommandLine commandLine = new CommandLine(spec());
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new SettingsException(e.getMessage());
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(System.out);
            return null;
        }
        if (commandLine.isVersionHelpRequested()) {
            commandLine.printVersionHelp(System.out);
            return null;
        }
        Map<String, String> flags = new HashMap<>();
        for (Setting setting : Setting.flags()) {
            String value = parsed.matchedOptionValue(setting.flag(), null);
            if (value != null) {
                flags.put(setting.key(), value);
            }
        }
        return Settings.resolve(flags, parsed.matchedOptionValue(CONFIG, null))
                .withRestartFlags(parsed.hasMatchedOption(RESET_STATE), parsed.hasMatchedOption(TAKEOVER));
    }
}

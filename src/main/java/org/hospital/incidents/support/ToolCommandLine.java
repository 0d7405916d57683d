package org.hospital.incidents.support;

import picocli.CommandLine;

/** The project's tools share one command-line rule: a bad flag prints one line, {@code <tool>: <reason>}, exit 2. */
public final class ToolCommandLine {

    private ToolCommandLine() {
    }

    /**
     * @param tool the tool's name as the user types it, e.g. {@code incident-import}
     * @param command the picocli command object
     * @return a command line whose parameter errors print one line naming the tool and exit 2
     */
    public static CommandLine of(String tool, Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(tool + ": " + e.getMessage());
            return 2;
        });
        return commandLine;
    }
}

package org.hospital.incidents.stream.config;

/**
 * A bad flag, config key or value. The message is one line that names the flag or key; the application prints
 * it and exits with status 2 (DESIGN.md "Command line").
 */
public final class SettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line naming the flag, e.g. {@code --batch-seconds: expected a whole number >= 1, got 'x'} */
    public SettingsException(String message) {
        super(message);
    }
}

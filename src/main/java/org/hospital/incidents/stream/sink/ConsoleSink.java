package org.hospital.incidents.stream.sink;

import java.io.PrintStream;
import java.io.Serializable;

/**
 * The operator's console as the job's output operations see it: alert lines and batch summaries go to the
 * {@link PrintStream} given to the job ({@code System.out} from {@code main}; a test captures its own).
 *
 * <p>Serializable because output operations are part of the checkpoint; the stream itself is not (a
 * {@code PrintStream} cannot be written to a checkpoint), so a context recovered from a checkpoint prints to
 * {@code System.out}, the only console a restarted driver has.
 */
public final class ConsoleSink implements Serializable {

    private static final long serialVersionUID = 1L;

    private final transient PrintStream out;

    /** @param out where lines go; null means {@code System.out} */
    public ConsoleSink(PrintStream out) {
        this.out = out;
    }

    /** @return the driver's standard output */
    public static ConsoleSink stdout() {
        return new ConsoleSink(System.out);
    }

    /**
     * Prints one line. Callers escape control characters ({@code support.ConsoleText}) so that one line stays one.
     *
     * @param line the line, without its line end
     */
    public void println(String line) {
        (out != null ? out : System.out).println(line);
    }
}

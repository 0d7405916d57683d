package org.hospital.incidents.support;

/**
 * Makes a value from a report safe to print on an operator's terminal (docs/DESIGN.md "Privacy and hostile input"):
 * every C0 control character (U+0000–U+001F), DEL and C1 control character (U+007F–U+009F) is shown escaped —
 * {@code \n}, {@code \r}, {@code \t}, otherwise {@code \}{@code u001b} and the like — so a report cannot forge a line
 * of its own (an eventId with a newline printing a fake alert), move the cursor or clear the screen (an
 * {@code ESC[2J} in a ward id). One alert stays one line.
 */
public final class ConsoleText {

    private ConsoleText() {
    }

    /**
     * @param value text from a report (null allowed)
     * @return the text with control characters escaped; null as {@code "null"}
     */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c <= 0x1F || (c >= 0x7F && c <= 0x9F);
            if (!control) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? value : out.toString();
    }
}

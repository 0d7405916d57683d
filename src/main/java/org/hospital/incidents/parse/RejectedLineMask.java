package org.hospital.incidents.parse;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.function.UnaryOperator;

/**
 * Masks patient data in a line kept in {@code rejected/} (docs/DESIGN.md "Privacy and hostile input"), by parsing
 * rather than by pattern.
 *
 * <ul>
 *   <li>A line that is JSON (read leniently: single quotes, unquoted names and escaped names are decoded as a reader
 *       would) is copied token by token: every member whose decoded name is {@code patientRef} gets its value's
 *       token when the value is a string or a number, and {@code "<redacted>"} whatever else it is (an object, an
 *       array, true); every {@code description} member gets {@code "<redacted>"}; at any depth, in any order,
 *       duplicates included. The copy is compact JSON.
 *   <li>A line that does not parse (cut off, trailing garbage, nesting deeper than the reader allows) gets the
 *       lenient scan: every quoted or bare name that decodes to {@code patientRef} or {@code description}, followed
 *       by a colon, has its value replaced: a string (to its closing quote or the end of the line), a number, or an
 *       object or array (to its matching bracket or the end of the line).
 * </ul>
 */
public final class RejectedLineMask {

    /** What replaces a description, or a patientRef that is not a string or a number. */
    public static final String REDACTED = "<redacted>";

    static final String PATIENT_REF = "patientRef";
    static final String DESCRIPTION = "description";

    private RejectedLineMask() {
    }

    /**
     * @param line a rejected line, or null
     * @param token turns a patientRef value into its token
     * @return the line with patient data replaced
     */
    public static String mask(String line, UnaryOperator<String> token) {
        if (line == null) {
            return null;
        }
        String parsed = byParsing(line, token);
        return parsed != null ? parsed : byScanning(line, token);
    }

    /** @return the masked copy of a line that is one JSON value, else null */
    static String byParsing(String line, UnaryOperator<String> token) {
        StringWriter out = new StringWriter(line.length());
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            reader.setStrictness(Strictness.LENIENT);
            JsonWriter writer = new JsonWriter(out);
            writer.setStrictness(Strictness.LENIENT);
            writer.setHtmlSafe(false);
            copy(reader, writer, token);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return null;
            }
            writer.flush();
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return null;
        }
        return out.toString();
    }

    /** Copies one value, token by token, with an explicit depth count instead of recursion. */
    private static void copy(JsonReader reader, JsonWriter writer, UnaryOperator<String> token) throws IOException {
        int depth = 0;
        do {
            JsonToken next = reader.peek();
            switch (next) {
                case BEGIN_OBJECT -> {
                    reader.beginObject();
                    writer.beginObject();
                    depth++;
                }
                case END_OBJECT -> {
                    reader.endObject();
                    writer.endObject();
                    depth--;
                }
                case BEGIN_ARRAY -> {
                    reader.beginArray();
                    writer.beginArray();
                    depth++;
                }
                case END_ARRAY -> {
                    reader.endArray();
                    writer.endArray();
                    depth--;
                }
                case NAME -> {
                    String name = reader.nextName();
                    writer.name(name);
                    if (PATIENT_REF.equals(name)) {
                        JsonToken value = reader.peek();
                        if (value == JsonToken.STRING || value == JsonToken.NUMBER) {
                            writer.value(token.apply(reader.nextString()));
                        } else {
                            reader.skipValue();
                            writer.value(REDACTED);
                        }
                    } else if (DESCRIPTION.equals(name)) {
                        reader.skipValue();
                        writer.value(REDACTED);
                    }
                }
                case STRING -> writer.value(reader.nextString());
                case NUMBER -> writer.jsonValue(reader.nextString());
                case BOOLEAN -> writer.value(reader.nextBoolean());
                case NULL -> {
                    reader.nextNull();
                    writer.nullValue();
                }
                default -> throw new IOException("unexpected " + next);
            }
        } while (depth > 0);
    }

    /** The lenient scan, for a line that does not parse. */
    static String byScanning(String line, UnaryOperator<String> token) {
        StringBuilder masked = new StringBuilder(line.length());
        int copied = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            int nameEnd;
            String name;
            if (c == '"' || c == '\'') {
                nameEnd = stringEnd(line, i);
                name = decode(line.substring(i, nameEnd));
            } else if (Character.isLetter(c)) {
                nameEnd = i;
                while (nameEnd < line.length() && Character.isLetterOrDigit(line.charAt(nameEnd))) {
                    nameEnd++;
                }
                name = line.substring(i, nameEnd);
            } else {
                i++;
                continue;
            }
            boolean isRef = PATIENT_REF.equals(name);
            if (!isRef && !DESCRIPTION.equals(name)) {
                i = nameEnd;
                continue;
            }
            int colon = skipSpaces(line, nameEnd);
            if (colon >= line.length() || line.charAt(colon) != ':') {
                i = nameEnd;
                continue;
            }
            int start = skipSpaces(line, colon + 1);
            if (start >= line.length()) {
                break;
            }
            int end = valueEnd(line, start);
            char first = line.charAt(start);
            String replacement;
            if (isRef && (first == '"' || first == '\'')) {
                replacement = token.apply(decode(line.substring(start, end)));
            } else if (isRef && (first == '-' || Character.isDigit(first))) {
                replacement = token.apply(line.substring(start, end));
            } else {
                replacement = REDACTED;
            }
            masked.append(line, copied, start).append('"').append(replacement).append('"');
            copied = end;
            i = end;
        }
        return masked.append(line, copied, line.length()).toString();
    }

    /** @return the index just past the string starting at {@code start} (its closing quote), or the line's end */
    private static int stringEnd(String line, int start) {
        char quote = line.charAt(start);
        int j = start + 1;
        while (j < line.length() && line.charAt(j) != quote) {
            j += line.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(j + 1, line.length());
    }

    /**
     * @return the end of the value at {@code start}: a string's closing quote, a bracketed value's matching bracket
     *     (strings inside skipped), or the first character that ends a bare value; the line's end if cut off
     */
    private static int valueEnd(String line, int start) {
        char first = line.charAt(start);
        if (first == '"' || first == '\'') {
            return stringEnd(line, start);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            int j = start;
            while (j < line.length()) {
                char c = line.charAt(j);
                if (c == '"' || c == '\'') {
                    j = stringEnd(line, j);
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
                j++;
            }
            return line.length();
        }
        int j = start;
        while (j < line.length() && ",}] \t\r\n".indexOf(line.charAt(j)) < 0) {
            j++;
        }
        return j;
    }

    /**
     * The text a quoted token stands for: its JSON escapes resolved ({@code \u0052} is {@code R}), the quotes
     * removed; a cut-off token gives the characters after its opening quote.
     */
    static String decode(String quoted) {
        char quote = quoted.charAt(0);
        int end = quoted.length() >= 2 && quoted.charAt(quoted.length() - 1) == quote ? quoted.length() - 1
                : quoted.length();
        StringBuilder text = new StringBuilder(end);
        for (int i = 1; i < end; i++) {
            char c = quoted.charAt(i);
            if (c != '\\' || i + 1 >= end) {
                text.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'u' -> {
                    if (i + 4 < end) {
                        try {
                            text.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                            i += 4;
                        } catch (NumberFormatException ex) {
                            text.append('u');
                        }
                    } else {
                        text.append('u');
                    }
                }
                case 'n' -> text.append('\n');
                case 't' -> text.append('\t');
                case 'r' -> text.append('\r');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                default -> text.append(e);
            }
        }
        return text.toString();
    }

    private static int skipSpaces(String line, int from) {
        int i = from;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }
}

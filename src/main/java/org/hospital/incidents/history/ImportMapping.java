package org.hospital.incidents.history;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the rows of a legacy CSV export become incident records (DESIGN.md "History"): a JSON mapping file read once,
 * checked whole before the first row, then applied row by row.
 *
 * <p>Shape: {@code columns} maps record fields to CSV headers; {@code defaults} gives a field a constant instead;
 * {@code values} maps CSV values to the record's codes per field (case-sensitive; a value missing from the map is used
 * as it is, so the parser judges it); {@code occurredAtFormat} is a {@link DateTimeFormatter} pattern read in
 * {@code timeZone} (without it, {@code occurredAt} must already be an ISO-8601 instant, as in the project's own
 * {@code incidents.csv}). Record fields: the incident record's nine (DESIGN.md "Incident record") and
 * {@code patientToken}, which only the project's own export carries (a token already made; the archive keeps it as
 * an extra field). {@code eventId}, {@code occurredAt}, {@code wardId} and {@code harmLevel} must each come from a
 * column or a default: the parser requires them.
 *
 * <p>Errors: {@link MappingException} naming the key at fault (e.g. {@code columns.wardId}), which the importer
 * turns into exit status 2. Instances are immutable and hold no row.
 */
public final class ImportMapping {

    /** Fields a mapping may fill, in the order a record is written. */
    public static final List<String> FIELDS = List.of("eventId", "occurredAt", "wardId", "harmLevel", "category",
            "reportType", "hospitalId", "patientRef", "description", "patientToken");

    /** Fields the incident parser requires (DESIGN.md "Incident record"). */
    public static final List<String> REQUIRED = List.of("eventId", "occurredAt", "wardId", "harmLevel");

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("columns", "defaults", "values", "occurredAtFormat",
            "timeZone");

    /** The mapping for the project's own {@code incidents.csv} (bin/incident-analytics), used without --mapping. */
    static final String BUILT_IN_RESOURCE = "/import/incidents-csv-mapping.json";

    private final String name;
    private final Map<String, String> columns;
    private final Map<String, String> defaults;
    private final Map<String, Map<String, String>> values;
    private final DateTimeFormatter occurredAtFormat;
    private final String occurredAtPattern;
    private final ZoneId timeZone;

    private ImportMapping(String name, Map<String, String> columns, Map<String, String> defaults,
            Map<String, Map<String, String>> values, String occurredAtPattern, ZoneId timeZone) {
        this.name = name;
        this.columns = columns;
        this.defaults = defaults;
        this.values = values;
        this.occurredAtPattern = occurredAtPattern;
        this.occurredAtFormat = occurredAtPattern == null ? null : DateTimeFormatter.ofPattern(occurredAtPattern);
        this.timeZone = timeZone;
    }

    /**
     * @param file a mapping file (UTF-8 JSON)
     * @return the checked mapping
     * @throws MappingException when the file is missing or unreadable (naming its path) or a key is wrong (naming it)
     */
    public static ImportMapping read(Path file) throws MappingException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), reader);
        } catch (NoSuchFileException e) {
            throw new MappingException(null, "mapping file not found: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new MappingException(null, "cannot read mapping file " + file.toAbsolutePath() + ": " + e);
        }
    }

    /**
     * @return the mapping of the project's own {@code incidents.csv} export, so that an export re-imports unchanged
     * @throws MappingException never for the shipped resource (a build fault otherwise)
     */
    public static ImportMapping builtIn() throws MappingException {
        try (InputStream in = ImportMapping.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new MappingException(null, "built-in mapping " + BUILT_IN_RESOURCE + " missing from the jar");
            }
            return parse("built-in incidents.csv mapping", new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MappingException(null, "cannot read the built-in mapping: " + e);
        }
    }

    /**
     * @param name what the mapping is called in messages (its path)
     * @param reader the JSON text
     * @return the checked mapping
     * @throws MappingException naming the key at fault
     */
    static ImportMapping parse(String name, Reader reader) throws MappingException {
        JsonObject root;
        try {
            JsonElement element = JsonParser.parseReader(reader);
            if (!element.isJsonObject()) {
                throw new MappingException(null, name + ": expected a JSON object");
            }
            root = element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new MappingException(null, name + ": not valid JSON: " + e.getMessage());
        }
        for (String key : root.keySet()) {
            if (!TOP_LEVEL_KEYS.contains(key)) {
                throw new MappingException(key, "unknown key (expected one of " + new TreeSet<>(TOP_LEVEL_KEYS) + ")");
            }
        }
        Map<String, String> columns = stringMap(root, "columns");
        Map<String, String> defaults = stringMap(root, "defaults");
        for (String field : columns.keySet()) {
            checkField("columns." + field, field);
            if (columns.get(field).isEmpty()) {
                throw new MappingException("columns." + field, "the CSV header must not be empty");
            }
        }
        for (String field : defaults.keySet()) {
            checkField("defaults." + field, field);
            if (columns.containsKey(field)) {
                throw new MappingException("defaults." + field, "also mapped in columns: give one or the other");
            }
        }
        for (String field : REQUIRED) {
            if (!columns.containsKey(field) && !defaults.containsKey(field)) {
                throw new MappingException("columns." + field, "required: map it to a CSV header (or give a default)");
            }
        }
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        JsonElement valuesElement = root.get("values");
        if (valuesElement != null) {
            if (!valuesElement.isJsonObject()) {
                throw new MappingException("values", "expected an object of field → {CSV value → code}");
            }
            for (String field : valuesElement.getAsJsonObject().keySet()) {
                checkField("values." + field, field);
                values.put(field, stringMap(valuesElement.getAsJsonObject(), field, "values." + field));
            }
        }
        String pattern = optionalString(root, "occurredAtFormat");
        if (pattern != null) {
            try {
                DateTimeFormatter.ofPattern(pattern);
            } catch (IllegalArgumentException e) {
                throw new MappingException("occurredAtFormat", "not a java.time pattern: " + e.getMessage());
            }
        }
        String zone = optionalString(root, "timeZone");
        ZoneId timeZone;
        try {
            timeZone = ZoneId.of(zone == null ? "UTC" : zone);
        } catch (DateTimeException e) {
            throw new MappingException("timeZone", "unknown time zone '" + zone + "'");
        }
        return new ImportMapping(name, Collections.unmodifiableMap(columns), Collections.unmodifiableMap(defaults),
                Collections.unmodifiableMap(values), pattern, timeZone);
    }

    /** @return the CSV headers the mapping reads, in field order */
    public List<String> headers() {
        return new ArrayList<>(columns.values());
    }

    /** @return what the mapping is called in messages */
    public String name() {
        return name;
    }

    /**
     * Checks the mapping against a CSV file's header row before any row is read.
     *
     * @param header the CSV's header names, in file order
     * @throws MappingException naming {@code columns.<field>} when a mapped header is not in the file
     */
    public void checkHeader(List<String> header) throws MappingException {
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (!header.contains(column.getValue())) {
                throw new MappingException("columns." + column.getKey(), "the CSV has no column '"
                        + column.getValue() + "' (its header: " + String.join(", ", header) + ")");
            }
        }
    }

    /**
     * Turns one CSV row into one incident record line (DESIGN.md "Incident record"): mapped columns, value maps,
     * defaults, {@code occurredAt} read with the pattern in the time zone and written as an ISO-8601 instant. An
     * empty cell leaves its field out (the parser then applies its own rule, e.g. no category = unclassified).
     *
     * @param row the row's values by CSV header
     * @return the record as one JSON line
     * @throws RowException with the reason, for an empty required field or a date that does not parse
     */
    public String toRecord(Map<String, String> row) throws RowException {
        StringWriter text = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(text)) {
            json.setHtmlSafe(false);
            json.beginObject();
            for (String field : FIELDS) {
                String value = value(field, row);
                if (value == null) {
                    continue;
                }
                json.name(field).value(value);
            }
            json.endObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string cannot fail", e);
        }
        return text.toString();
    }

    private String value(String field, Map<String, String> row) throws RowException {
        String column = columns.get(field);
        String value = column == null ? defaults.get(field) : row.get(column);
        if (value == null || value.isEmpty()) {
            if (REQUIRED.contains(field)) {
                throw new RowException("required field " + field + " is empty (column '" + column + "')");
            }
            return null;
        }
        Map<String, String> codes = values.get(field);
        if (codes != null && codes.containsKey(value)) {
            value = codes.get(value);
        }
        if ("occurredAt".equals(field) && occurredAtFormat != null) {
            value = instant(value, column).toString();
        }
        return value;
    }

    /** Reads a local date-time (or a date, at midnight) in the mapping's time zone. */
    private Instant instant(String text, String column) throws RowException {
        try {
            TemporalAccessor parsed = occurredAtFormat.parseBest(text, LocalDateTime::from, LocalDate::from);
            LocalDateTime local = parsed instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) parsed;
            // A time in a daylight-saving gap moves forward by the gap, one in an overlap takes the earlier offset:
            // java.time's rule for ZonedDateTime.of, written down so the import is repeatable.
            return ZonedDateTime.of(local, timeZone).toInstant();
        } catch (DateTimeParseException e) {
            throw new RowException("occurredAt '" + text + "' (column '" + column + "') does not match "
                    + occurredAtPattern);
        }
    }

    private static void checkField(String key, String field) throws MappingException {
        if (!FIELDS.contains(field)) {
            throw new MappingException(key, "not a field of the incident record (expected one of " + FIELDS + ")");
        }
    }

    private static Map<String, String> stringMap(JsonObject parent, String key) throws MappingException {
        return stringMap(parent, key, key);
    }

    private static Map<String, String> stringMap(JsonObject parent, String key, String path)
            throws MappingException {
        Map<String, String> map = new LinkedHashMap<>();
        JsonElement element = parent.get(key);
        if (element == null) {
            return map;
        }
        if (!element.isJsonObject()) {
            throw new MappingException(path, "expected an object of strings");
        }
        for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
            JsonElement value = entry.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new MappingException(path + "." + entry.getKey(), "expected a string");
            }
            map.put(entry.getKey(), value.getAsString());
        }
        return map;
    }

    private static String optionalString(JsonObject parent, String key) throws MappingException {
        JsonElement element = parent.get(key);
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
            throw new MappingException(key, "expected a string");
        }
        return element.getAsString();
    }

    /** A mapping file that cannot be used; the importer exits 2 with its message. */
    public static final class MappingException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param key the key at fault ({@code columns.wardId}), or null for the file as a whole
         * @param message what is wrong
         */
        public MappingException(String key, String message) {
            super(key == null ? message : key + ": " + message);
        }
    }

    /** A row that does not make a record; reported with its row number, never sent. */
    public static final class RowException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param reason why the row was rejected */
        public RowException(String reason) {
            super(reason);
        }
    }
}

package org.hospital.incidents.parse;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.ReportType;
import org.hospital.incidents.model.SourcedLine;

/**
 * Parses one input line into an {@link Incident} or a {@link Rejection} with a reason; never throws.
 *
 * <p>Rules come from DESIGN.md "Incident record": one JSON object per line, fields per the AHRQ Common Formats
 * vocabulary. On top of them, the parser refuses what a lenient JSON reader would silently guess at: it reads
 * with Gson's {@link Strictness#STRICT} streaming reader (no comments, no single quotes, no unquoted names, no
 * raw control characters), refuses duplicate keys (which value would be the real one?), trailing content
 * after the object, nesting deeper than {@link #MAX_NESTING}, a byte-order mark, and bytes that were not valid
 * UTF-8 (found by {@link org.hospital.incidents.stream.source.Utf8Lines} and carried in
 * {@link SourcedLine#encodingError()}; a genuine U+FFFD character is text like any other). Unknown extra fields
 * are ignored for forward compatibility.
 *
 * <p>{@code patientRef} never leaves the parser in clear (DESIGN.md "Pseudonymisation"): an accepted incident
 * carries its token, and the line kept with a rejection is masked by parsing ({@link #maskForRejected}).
 *
 * <p>Instances hold no key and no state, and are serializable, so one can be captured in Spark closures (and so
 * in the checkpoint).
 */
public final class IncidentParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Deepest JSON nesting accepted (the record itself is flat; depth only comes from unknown fields). */
    public static final int MAX_NESTING = 32;

    /** Earliest {@code occurredAt} accepted: anything before is a typo or a default value, not an event. */
    public static final Instant EARLIEST_OCCURRED_AT = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * First {@code occurredAt} no longer accepted. A fixed bound, not "now": a replayed batch must parse the
     * same way whenever it is replayed.
     */
    public static final Instant LATEST_OCCURRED_AT = Instant.parse("2100-01-01T00:00:00Z");

    /** {@code status} of a report as first reported (the default). */
    public static final String REPORTED = "reported";

    /** {@code status} of a re-qualification record (DESIGN.md "Human re-qualification"). */
    public static final String REQUALIFIED = "requalified";

    /** What a {@code description} value becomes in a rejected line. */
    public static final String REDACTED = RejectedLineMask.REDACTED;

    private final Pseudonymizer pseudonymizer;

    /**
     * @param sc the driver's Spark context
     * @return the same parser, its tasks reading the pseudonymisation key the driver shipped
     *     ({@link Pseudonymizer#shippedBy}); call on the driver, for one batch's tasks
     */
    public IncidentParser shippedBy(org.apache.spark.SparkContext sc) {
        return new IncidentParser(pseudonymizer.shippedBy(sc));
    }

    /** @param pseudonymizer turns {@code patientRef} values into tokens */
    public IncidentParser(Pseudonymizer pseudonymizer) {
        this.pseudonymizer = pseudonymizer;
    }

    static final String EVENT_ID = "eventId";
    static final String OCCURRED_AT = "occurredAt";
    static final String WARD_ID = "wardId";
    static final String HARM_LEVEL = "harmLevel";
    static final String CATEGORY = "category";
    static final String REPORT_TYPE = "reportType";
    static final String HOSPITAL_ID = "hospitalId";
    static final String PATIENT_REF = "patientRef";
    static final String DESCRIPTION = "description";
    static final String STATUS = "status";
    static final String REVIEWED_BY = "reviewedBy";
    static final String REVIEWED_AT = "reviewedAt";
    static final String UPDATED_AT = "updatedAt";

    /** The record's string fields, in the order of their slots in the array {@code readTopLevelObject} fills. */
    private static final String[] STRING_FIELDS = {EVENT_ID, OCCURRED_AT, WARD_ID, HARM_LEVEL, CATEGORY,
        REPORT_TYPE, HOSPITAL_ID, PATIENT_REF, DESCRIPTION, STATUS, REVIEWED_BY, REVIEWED_AT, UPDATED_AT};

    /**
     * @param name a JSON member name
     * @return its slot in {@link #STRING_FIELDS}, or -1 for a field the record does not have. A switch, not a
     *     map: this runs for every field of every report, and hashing showed up in the job's profile.
     */
    private static int slot(String name) {
        return switch (name) {
            case EVENT_ID -> 0;
            case OCCURRED_AT -> 1;
            case WARD_ID -> 2;
            case HARM_LEVEL -> 3;
            case CATEGORY -> 4;
            case REPORT_TYPE -> 5;
            case HOSPITAL_ID -> 6;
            case PATIENT_REF -> 7;
            case DESCRIPTION -> 8;
            case STATUS -> 9;
            case REVIEWED_BY -> 10;
            case REVIEWED_AT -> 11;
            case UPDATED_AT -> 12;
            default -> -1;
        };
    }

    /**
     * Parses a line read from a source.
     *
     * @param input the raw line and its source label
     * @param batchTimeMillis batch time the line belongs to, epoch millis (copied into a rejection)
     * @return accepted incident or rejection; never null
     */
    public ParseResult parse(SourcedLine input, long batchTimeMillis) {
        return parse(input, batchTimeMillis, null);
    }

    /**
     * Parses a line, and renders an accepted report as the archive keeps it (DESIGN.md "Archive"): one JSON object
     * with every input field the line had, in its order, unknown ones included; {@code category} normalised and
     * {@code reportedCategory} (the value received, or null) beside it; {@code patientToken} instead of
     * {@code patientRef}. Rendered while reading, so the line is read once.
     *
     * @param input the raw line and its source label
     * @param batchTimeMillis batch time the line belongs to, epoch millis (copied into a rejection)
     * @param archived receives the rendering when not null; holds a partial object when the line is rejected, so
     *     give a fresh writer per line and keep its text only for an accepted result
     * @return accepted incident or rejection; never null
     */
    public ParseResult parse(SourcedLine input, long batchTimeMillis, JsonWriter archived) {
        String line = input.line();
        Object outcome = input.encodingError() != null ? input.encodingError() : parseLine(line, archived);
        if (outcome instanceof Incident incident) {
            return ParseResult.accepted(incident);
        }
        return ParseResult.rejected(Rejection.of((String) outcome, maskForRejected(line), input.source(),
                batchTimeMillis));
    }

    /**
     * Masks patient data in a line that is kept as rejected, by parsing it ({@link RejectedLineMask}): every
     * {@code patientRef} (any value type, any depth, names decoded) gets its token or {@code "<redacted>"}, every
     * {@code description} {@code "<redacted>"}; a line that does not parse gets the lenient scan (docs/DESIGN.md
     * "Privacy and hostile input").
     *
     * @param line a rejected line, or null
     * @return the line with those values replaced
     */
    public String maskForRejected(String line) {
        return RejectedLineMask.mask(line, pseudonymizer::token);
    }

    /** @return an {@link Incident}, or a String reason */
    private Object parseLine(String line, JsonWriter archived) {
        if (line == null) {
            return "line is null";
        }
        if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
            return "line starts with a byte-order mark (U+FEFF); send UTF-8 without BOM";
        }
        String[] fields;
        try {
            Object read = readTopLevelObject(line, archived);
            if (read instanceof String reason) {
                return reason;
            }
            fields = (String[]) read;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return "malformed JSON: " + cleanMessage(e);
        } catch (StackOverflowError e) {
            return "malformed JSON: nested too deeply";
        }
        return toIncident(fields);
    }

    /**
     * Reads the line as one flat JSON object.
     *
     * @return the known string fields by {@link #slot} (null = absent or JSON null), or a String reason
     */
    private Object readTopLevelObject(String line, JsonWriter archived) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(line));
        reader.setStrictness(Strictness.STRICT);
        reader.setNestingLimit(MAX_NESTING);
        JsonToken first = reader.peek();
        if (first != JsonToken.BEGIN_OBJECT) {
            return "not a JSON object (found " + describe(first) + ")";
        }
        reader.beginObject();
        if (archived != null) {
            archived.beginObject();
        }
        String[] fields = new String[STRING_FIELDS.length];
        int seenFields = 0;
        Set<String> seenOthers = null;
        while (reader.hasNext()) {
            String name = reader.nextName();
            int slot = slot(name);
            boolean repeated;
            if (slot >= 0) {
                repeated = (seenFields & (1 << slot)) != 0;
            } else {
                // Unknown fields are rare: their set is only made when one comes.
                if (seenOthers == null) {
                    seenOthers = new HashSet<>();
                }
                repeated = !seenOthers.add(name);
            }
            if (repeated) {
                return "duplicate key '" + truncate(name) + "'";
            }
            if (slot < 0) {
                if (archived != null) {
                    archived.name(name);
                    copyValue(reader, archived);
                } else {
                    consumeValue(reader);
                }
                continue;
            }
            seenFields |= 1 << slot;
            JsonToken token = reader.peek();
            if (token == JsonToken.STRING) {
                fields[slot] = reader.nextString();
                if (archived != null) {
                    archive(archived, name, fields[slot]);
                }
            } else if (token == JsonToken.NULL) {
                reader.nextNull();
                if (archived != null) {
                    archive(archived, name, null);
                }
            } else {
                return "field '" + name + "' must be a string, found " + describe(token);
            }
        }
        reader.endObject();
        if (archived != null) {
            if ((seenFields & (1 << slot(CATEGORY))) == 0) {
                archive(archived, CATEGORY, null);
            }
            archived.endObject();
        }
        try {
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return "trailing content after the JSON object";
            }
        } catch (IOException e) {
            // A strict reader refuses a second top-level value outright.
            return "trailing content after the JSON object";
        }
        return fields;
    }

    /** Writes one of the record's own fields as the archive keeps it (see the three-argument parse). */
    private void archive(JsonWriter archived, String name, String value) throws IOException {
        switch (name) {
            case PATIENT_REF -> archived.name("patientToken").value(value == null ? null : pseudonymizer.token(value));
            case CATEGORY -> {
                archived.name(CATEGORY).value(EventCategory.fromCode(value).code());
                archived.name("reportedCategory").value(value);
            }
            default -> archived.name(name).value(value);
        }
    }

    /** Copies one value of an unknown field to the archive, with the strict checks of {@link #consumeValue}. */
    private static void copyValue(JsonReader reader, JsonWriter archived) throws IOException {
        switch (reader.peek()) {
            case BEGIN_ARRAY -> {
                reader.beginArray();
                archived.beginArray();
                while (reader.hasNext()) {
                    copyValue(reader, archived);
                }
                reader.endArray();
                archived.endArray();
            }
            case BEGIN_OBJECT -> {
                reader.beginObject();
                archived.beginObject();
                while (reader.hasNext()) {
                    archived.name(reader.nextName());
                    copyValue(reader, archived);
                }
                reader.endObject();
                archived.endObject();
            }
            case STRING -> archived.value(reader.nextString());
            // The number's own text: no rounding through a double.
            case NUMBER -> archived.jsonValue(reader.nextString());
            case BOOLEAN -> archived.value(reader.nextBoolean());
            case NULL -> {
                reader.nextNull();
                archived.nullValue();
            }
            default -> throw new IllegalStateException("expected a value but was " + reader.peek());
        }
    }

    /**
     * Reads and discards one value of a field the record does not have, with the same strict checks as every
     * other value. Gson's {@code skipValue} does not check the characters of the strings it skips, so a raw tab
     * or NUL inside an unknown field passed although such a line is not JSON (RFC 8259 section 7). Depth is
     * bounded by the reader's nesting limit. Duplicate names inside an unknown object are allowed, as RFC 8259
     * allows them; only the record's own top-level keys must be unique.
     */
    private static void consumeValue(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_ARRAY -> {
                reader.beginArray();
                while (reader.hasNext()) {
                    consumeValue(reader);
                }
                reader.endArray();
            }
            case BEGIN_OBJECT -> {
                reader.beginObject();
                while (reader.hasNext()) {
                    reader.nextName();
                    consumeValue(reader);
                }
                reader.endObject();
            }
            case STRING, NUMBER -> reader.nextString();
            case BOOLEAN -> reader.nextBoolean();
            case NULL -> reader.nextNull();
            default -> throw new IllegalStateException("expected a value but was " + reader.peek());
        }
    }

    private Object toIncident(String[] fields) {
        String eventId = fields[slot(EVENT_ID)];
        String occurredAtText = fields[slot(OCCURRED_AT)];
        String wardId = fields[slot(WARD_ID)];
        String harmText = fields[slot(HARM_LEVEL)];
        for (String required : new String[] {EVENT_ID, OCCURRED_AT, WARD_ID, HARM_LEVEL}) {
            if (fields[slot(required)] == null) {
                return "missing required field '" + required + "'";
            }
        }
        if (eventId.isBlank()) {
            return "field 'eventId' is empty or blank";
        }
        if (wardId.isBlank()) {
            return "field 'wardId' is empty or blank";
        }
        Optional<HarmLevel> harm = HarmLevel.fromCode(harmText);
        if (harm.isEmpty()) {
            return "unknown harmLevel '" + truncate(harmText)
                    + "' (expected death, severe, moderate, mild, none or unknown)";
        }
        Instant occurredAt;
        try {
            occurredAt = parseInstant(occurredAtText);
        } catch (DateTimeParseException | ArithmeticException e) {
            return "unparseable occurredAt '" + truncate(occurredAtText)
                    + "' (expected an ISO-8601 instant such as 2026-11-21T08:15:30.123Z)";
        }
        if (occurredAt.isBefore(EARLIEST_OCCURRED_AT) || !occurredAt.isBefore(LATEST_OCCURRED_AT)) {
            return "occurredAt " + occurredAtText + " is out of range [" + EARLIEST_OCCURRED_AT + ", "
                    + LATEST_OCCURRED_AT + ")";
        }
        String reportTypeText = fields[slot(REPORT_TYPE)];
        String patientRef = fields[slot(PATIENT_REF)];
        // An absent, empty or unknown reportType is counted as an incident (DESIGN.md lists no rejection for it):
        // dropping a real report because of a mistyped secondary field would lose it from the ward's total.
        ReportType reportType = reportTypeText == null ? ReportType.INCIDENT
                : ReportType.fromCode(reportTypeText).orElse(ReportType.INCIDENT);
        String reportedCategory = fields[slot(CATEGORY)];
        EventCategory category = EventCategory.fromCode(reportedCategory);
        String status = fields[slot(STATUS)];
        String reviewedBy = null;
        Instant reviewedAt = null;
        if (REQUALIFIED.equals(status)) {
            // DESIGN.md "Human re-qualification": a person's decision must name one of the ten categories, who
            // made it and when; anything less would move a count on no one's authority.
            if (category == EventCategory.UNCLASSIFIED) {
                return "requalified report needs one of the ten categories, got "
                        + (reportedCategory == null ? "none" : "'" + truncate(reportedCategory) + "'");
            }
            reviewedBy = fields[slot(REVIEWED_BY)];
            if (reviewedBy == null || reviewedBy.isBlank()) {
                return "requalified report needs a non-empty 'reviewedBy'";
            }
            String reviewedAtText = fields[slot(REVIEWED_AT)];
            if (reviewedAtText == null) {
                return "requalified report needs 'reviewedAt'";
            }
            try {
                reviewedAt = parseInstant(reviewedAtText);
            } catch (DateTimeParseException | ArithmeticException e) {
                return "unparseable reviewedAt '" + truncate(reviewedAtText)
                        + "' (expected an ISO-8601 instant such as 2026-11-21T08:15:30.123Z)";
            }
        } else if (status != null && !REPORTED.equals(status)) {
            return "unknown status '" + truncate(status) + "' (expected reported or requalified)";
        }
        // docs/DESIGN.md "The incident ledger": when the reporting system last changed the report. Optional; when
        // present it must be an instant, or the ledger could not order two versions of one report.
        String updatedAtText = fields[slot(UPDATED_AT)];
        Instant updatedAt = null;
        if (updatedAtText != null) {
            try {
                updatedAt = parseInstant(updatedAtText);
            } catch (DateTimeParseException | ArithmeticException e) {
                return "unparseable updatedAt '" + truncate(updatedAtText)
                        + "' (expected an ISO-8601 instant such as 2026-11-21T08:15:30.123Z)";
            }
        }
        return new Incident(eventId, occurredAt, wardId, harm.get(), category, reportType, fields[slot(HOSPITAL_ID)],
                patientRef == null ? null : pseudonymizer.token(patientRef), fields[slot(DESCRIPTION)],
                reportedCategory, reviewedBy, reviewedAt, updatedAt);
    }

    /** ISO-8601 instant ({@code ...Z}) or date-time with an explicit offset ({@code ...+01:00}). */
    private static Instant parseInstant(String text) {
        Instant fast = fastInstant(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        }
    }

    /**
     * The common shape {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits, upper-case T and Z) read by hand:
     * {@code Instant.parse} was a large share of a backlog batch (docs/PERFORMANCE.md "Why the code is shaped this
     * way").
     *
     * @param text a timestamp
     * @return the instant, equal to {@code Instant.parse(text)}; or null when the text has any other shape or a
     *     field out of its range (leap second, 30 February…), and {@code java.time} decides
     */
    static Instant fastInstant(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z' || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fractionDigits = length > 20 ? length - 21 : 0;
        int fraction = fractionDigits == 0 ? 0 : digits(text, 20, fractionDigits);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        int nanos = fraction;
        for (int i = fractionDigits; i < 9; i++) {
            nanos *= 10;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
    }

    /** @return the decimal value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "nothing";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Gson appends a troubleshooting URL to its messages; the rejection reason keeps the first sentence. */
    private static String cleanMessage(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = message.indexOf("\nSee ");
        String first = see >= 0 ? message.substring(0, see) : message;
        // Gson's advice to switch to lenient parsing is for programmers, not for whoever reads rejected/.
        return first.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "syntax not allowed in strict JSON");
    }

    /** Values echoed into a reason are cut: the full line is kept next to the reason anyway. */
    private static String truncate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}

package org.hospital.incidents.stream.sink;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.function.ToLongFunction;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Amendment;
import org.hospital.incidents.model.Candidate;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.HarmLevel;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.WardState;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import org.hospital.incidents.support.IsoInstants;

/**
 * Renders output records as the one-line JSON objects of DESIGN.md "Outputs".
 *
 * <p>Times: {@code batchTime} is a JSON number of epoch millis; {@code windowStart}, {@code windowEnd} and
 * {@code lastOccurredAt} are ISO-8601 UTC instants ending in {@code Z}. Count maps ({@code byHarmLevel},
 * {@code byCategory}) list only non-zero counts, keyed by the wire codes. Nothing here ever writes
 * {@code patientRef} or {@code description}.
 */
public final class JsonCodec {

    // Gson instances are thread-safe; HTML escaping is off so '<' and '=' in messages stay readable.
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    // The review queue keeps absent optional fields as null, so every line has the same keys.
    private static final Gson GSON_NULLS = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private JsonCodec() {
    }

    /**
     * @param total a ward's running totals
     * @return {@code {"wardId","total","byHarmLevel","byCategory","lastOccurredAt","requalified","amended","late",
     *     "batchTime"}}
     */
    public static String wardTotal(WardTotal total) {
        WardState state = total.state();
        JsonObject json = new JsonObject();
        json.addProperty("wardId", total.wardId());
        json.addProperty("total", state.total());
        json.add("byHarmLevel", harmCounts(state::count));
        JsonObject categories = new JsonObject();
        for (EventCategory category : EventCategory.values()) {
            if (state.count(category) != 0) {
                categories.addProperty(category.code(), state.count(category));
            }
        }
        json.add("byCategory", categories);
        json.addProperty("lastOccurredAt", Instant.ofEpochMilli(state.lastOccurredAtMillis()).toString());
        json.addProperty("requalified", state.requalified());
        json.addProperty("amended", state.amended());
        json.addProperty("late", state.late());
        json.addProperty("batchTime", total.batchTime());
        return GSON.toJson(json);
    }

    /**
     * @param window a ward's counts in one window
     * @return {@code {"wardId","windowStart","windowEnd","count","byHarmLevel"}}
     */
    public static String wardWindow(WardWindow window) {
        // Built in one StringBuilder, not through a JsonObject tree or a JsonWriter over a StringWriter: a backlog
        // writes about two of these lines per report, and in a JFR recording of a backlog the tree, then the JsonWriter
        // and Instant.toString, were the executors' largest costs (docs/PERFORMANCE.md "Why the code is shaped this
        // way"). The only text from outside, the ward id, is
        // escaped by Gson.
        StringBuilder line = new StringBuilder(160).append("{\"wardId\":").append(quoted(window.wardId()))
                .append(",\"windowStart\":\"");
        IsoInstants.appendTo(line, window.windowStartMillis()).append("\",\"windowEnd\":\"");
        IsoInstants.appendTo(line, window.windowEndMillis()).append("\",\"count\":")
                .append(window.counts().count()).append(",\"byHarmLevel\":{");
        boolean first = true;
        for (HarmLevel level : HARM_LEVELS) {
            long n = window.counts().count(level);
            if (n != 0) {
                line.append(first ? "" : ",").append(HARM_NAMES[level.ordinal()]).append(n);
                first = false;
            }
        }
        return line.append("}}").toString();
    }

    private static final HarmLevel[] HARM_LEVELS = HarmLevel.values();
    /** {@code "code":} of each harm level, by ordinal. */
    private static final String[] HARM_NAMES = new String[HARM_LEVELS.length];

    static {
        for (HarmLevel level : HARM_LEVELS) {
            HARM_NAMES[level.ordinal()] = GSON.toJson(level.code()) + ":";
        }
    }

    /** Ward ids seen, JSON-quoted: a hospital has tens or hundreds; bounded, since the ids come from the input. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> QUOTED =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_QUOTED = 10_000;

    /**
     * @param value any string
     * @return it as a JSON string literal, quotes included, escaped by Gson
     */
    static String quoted(String value) {
        String quoted = QUOTED.get(value);
        if (quoted == null) {
            quoted = GSON.toJson(value);
            if (QUOTED.size() < MAX_QUOTED) {
                QUOTED.put(value, quoted);
            }
        }
        return quoted;
    }

    /** {@code {level code: count}} for the non-zero harm-level counts, in harm-scale order. */
    private static JsonObject harmCounts(ToLongFunction<HarmLevel> count) {
        JsonObject harm = new JsonObject();
        for (HarmLevel level : HarmLevel.values()) {
            long n = count.applyAsLong(level);
            if (n != 0) {
                harm.addProperty(level.code(), n);
            }
        }
        return harm;
    }

    /**
     * @param alert a CRITICAL or SURGE alert
     * @return {@code {"alertId","type","wardId","batchTime","message", "eventId","harmLevel"[,"amended"] |
     *     "count","windowStart","windowEnd","limit","limitSource"}}
     */
    public static String alert(Alert alert) {
        JsonObject json = new JsonObject();
        json.addProperty("alertId", alert.alertId());
        json.addProperty("type", alert.type().name());
        json.addProperty("wardId", alert.wardId());
        json.addProperty("batchTime", alert.batchTime());
        json.addProperty("message", alert.message());
        if (alert.type() == Alert.Type.CRITICAL) {
            json.addProperty("eventId", alert.eventId());
            json.addProperty("harmLevel", alert.harmLevel().code());
            if (alert.amended()) {
                json.addProperty("amended", true);
            }
        } else {
            json.addProperty("count", alert.count());
            json.addProperty("windowStart", Instant.ofEpochMilli(alert.windowStartMillis()).toString());
            json.addProperty("windowEnd", Instant.ofEpochMilli(alert.windowEndMillis()).toString());
            json.addProperty("limit", alert.limit());
            json.addProperty("limitSource", alert.limitSource());
        }
        return GSON.toJson(json);
    }

    /**
     * @param rejection a rejected line
     * @return {@code {"reason","line","source","batchTime"}}; the line is escaped, so any content stays one line
     */
    public static String rejection(Rejection rejection) {
        JsonObject json = new JsonObject();
        json.addProperty("reason", rejection.reason());
        json.addProperty("line", rejection.line());
        json.addProperty("source", rejection.source());
        json.addProperty("batchTime", rejection.batchTime());
        return GSON.toJson(json);
    }

    /**
     * One line of the review queue (DESIGN.md "Human re-qualification"): a counted report whose category is
     * {@code unclassified}, with what a person needs to classify it. It carries {@code description} (the reviewer
     * reads it) and the patient token, never a {@code patientRef}.
     *
     * @param report the report ({@link Incident#category()} is unclassified)
     * @param batchTime batch time, epoch millis
     * @return {@code {"eventId","wardId","occurredAt","harmLevel","reportType","hospitalId","reportedCategory",
     *     "description","patientToken","batchTime"}}
     */
    public static String review(Incident report, long batchTime) {
        JsonObject json = new JsonObject();
        json.addProperty("eventId", report.eventId());
        json.addProperty("wardId", report.wardId());
        json.addProperty("occurredAt", report.occurredAt().toString());
        json.addProperty("harmLevel", report.harmLevel().code());
        json.addProperty("reportType", report.reportType().code());
        json.addProperty("hospitalId", report.hospitalId());
        json.addProperty("reportedCategory", report.reportedCategory());
        json.addProperty("description", report.description());
        json.addProperty("patientToken", report.patientToken());
        json.addProperty("batchTime", batchTime);
        return GSON_NULLS.toJson(json);
    }

    /**
     * @param requalification an applied re-qualification
     * @param batchTime batch time, epoch millis
     * @return {@code {"eventId","wardId","fromCategory":"unclassified","toCategory","reviewedBy","reviewedAt",
     *     "batchTime"}}
     */
    public static String requalification(Requalification requalification, long batchTime) {
        JsonObject json = new JsonObject();
        json.addProperty("eventId", requalification.eventId());
        json.addProperty("wardId", requalification.wardId());
        json.addProperty("fromCategory", requalification.fromCategory().code());
        json.addProperty("toCategory", requalification.toCategory().code());
        json.addProperty("reviewedBy", requalification.reviewedBy());
        json.addProperty("reviewedAt", requalification.reviewedAt().toString());
        json.addProperty("batchTime", batchTime);
        return GSON.toJson(json);
    }

    /**
     * One line of the {@code amendments} output (docs/DESIGN.md "The incident ledger").
     *
     * @param amendment an applied amendment
     * @param batchTime batch time, epoch millis
     * @return {@code {"eventId","wardId","fromWardId","changes":{field:[old,new]},"updatedAt","batchTime"}}, where
     *     {@code changes} lists those of wardId, harmLevel, category, reportType and updatedAt that changed
     */
    public static String amendment(Amendment amendment, long batchTime) {
        LedgerEntry before = amendment.before();
        LedgerEntry after = amendment.after();
        JsonObject changes = new JsonObject();
        change(changes, "wardId", before.wardId(), after.wardId());
        change(changes, "harmLevel", before.harmLevel().code(), after.harmLevel().code());
        change(changes, "category", before.category().code(), after.category().code());
        change(changes, "reportType", before.reportType().code(), after.reportType().code());
        change(changes, "updatedAt", instant(before.updatedAtMillis()), instant(after.updatedAtMillis()));
        JsonObject json = new JsonObject();
        json.addProperty("eventId", amendment.eventId());
        json.addProperty("wardId", after.wardId());
        json.addProperty("fromWardId", before.wardId());
        json.add("changes", changes);
        json.addProperty("updatedAt", instant(after.updatedAtMillis()));
        json.addProperty("batchTime", batchTime);
        return GSON.toJson(json);
    }

    /**
     * The audit line of an applied re-qualification (docs/DESIGN.md "audit/").
     *
     * @param requalification the re-qualification
     * @param batchTime batch time, epoch millis
     * @return {@code {"action":"requalification-applied","eventId","wardId","reviewedBy","reviewedAt","fromCategory",
     *     "toCategory","batchTime"}}
     */
    public static String auditRequalification(Requalification requalification, long batchTime) {
        JsonObject json = new JsonObject();
        json.addProperty("action", "requalification-applied");
        json.addProperty("eventId", requalification.eventId());
        json.addProperty("wardId", requalification.wardId());
        json.addProperty("reviewedBy", requalification.reviewedBy());
        json.addProperty("reviewedAt", requalification.reviewedAt().toString());
        json.addProperty("fromCategory", requalification.fromCategory().code());
        json.addProperty("toCategory", requalification.toCategory().code());
        json.addProperty("batchTime", batchTime);
        return GSON.toJson(json);
    }

    /**
     * The audit line of an applied amendment.
     *
     * @param amendment the amendment
     * @param batchTime batch time, epoch millis
     * @return {@code {"action":"amendment-applied","eventId","fromWardId","wardId","fromHarmLevel","harmLevel",
     *     "updatedAt","batchTime"}}
     */
    public static String auditAmendment(Amendment amendment, long batchTime) {
        JsonObject json = new JsonObject();
        json.addProperty("action", "amendment-applied");
        json.addProperty("eventId", amendment.eventId());
        json.addProperty("fromWardId", amendment.before().wardId());
        json.addProperty("wardId", amendment.after().wardId());
        json.addProperty("fromHarmLevel", amendment.before().harmLevel().code());
        json.addProperty("harmLevel", amendment.after().harmLevel().code());
        json.addProperty("updatedAt", instant(amendment.after().updatedAtMillis()));
        json.addProperty("batchTime", batchTime);
        return GSON.toJson(json);
    }

    /**
     * The audit line of a refused re-qualification: a rejected line whose record says {@code "status":
     * "requalified"}. Only the record's eventId, ward, reviewer, requested category and review time are taken from
     * the line, never anything else it holds.
     *
     * @param rejection a rejected line
     * @return {@code {"action":"requalification-refused","eventId","wardId","reviewedBy","reviewedAt","category",
     *     "reason","batchTime"}}, or null when the line is not a re-qualification record
     */
    public static String auditRefusal(Rejection rejection) {
        if (rejection.line() == null || !rejection.line().contains("requalified")) {
            return null; // most rejected lines: not worth parsing
        }
        JsonObject record;
        try {
            com.google.gson.JsonElement parsed = com.google.gson.JsonParser.parseString(rejection.line());
            if (!parsed.isJsonObject()) {
                return null;
            }
            record = parsed.getAsJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
        if (!"requalified".equals(text(record, "status"))) {
            return null;
        }
        JsonObject json = new JsonObject();
        json.addProperty("action", "requalification-refused");
        for (String field : new String[] {"eventId", "wardId", "reviewedBy", "reviewedAt", "category"}) {
            json.addProperty(field, text(record, field));
        }
        json.addProperty("reason", rejection.reason());
        json.addProperty("batchTime", rejection.batchTime());
        return GSON.toJson(json);
    }

    private static String text(JsonObject record, String field) {
        com.google.gson.JsonElement value = record.get(field);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    private static String instant(long millis) {
        return millis == Candidate.NO_TIME ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void change(JsonObject changes, String field, String before, String after) {
        if (!java.util.Objects.equals(before, after)) {
            com.google.gson.JsonArray pair = new com.google.gson.JsonArray();
            pair.add(before);
            pair.add(after);
            changes.add(field, pair);
        }
    }
}

package org.hospital.incidents.devtools;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates a reproducible year of legacy incident history in the style of an NRLS (England's National Reporting
 * and Learning System) export: columns {@code Ref, Incident date (dd/MM/yyyy HH:mm, Europe/London), Location, Degree
 * of harm (No harm … Death), Incident category (NRLS wording), Description, Patient ID}, read by
 * {@code config/import-mapping-nrls.json}.
 *
 * <p>Patterns of real reporting: more reports on weekdays than at weekends, peaks around the drug rounds and the
 * day shift (08–12, 14–18) and few at night; most reports no harm or low harm, a few severe, fewer deaths, with
 * intensive care and older people's wards reporting more serious harm, falls concentrated in older people's care,
 * medication everywhere. About 3 % of categories are ones the job cannot classify ("Consent, communication,
 * confidentiality", "Miscellaneous", blank),
 * descriptions sometimes carry commas, quotes or a line break (RFC 4180 quoting). With {@code --bad-rows N}, N rows
 * that an import must reject (a date that does not parse, a harm level that maps to nothing, an empty location, a
 * missing field) are mixed in at fixed places.
 *
 * <p>{@code sample-logs/history-2025.csv} is {@code --seed 2025 --rows 24000 --bad-rows 6}.
 */
@Command(name = "generate-history", mixinStandardHelpOptions = true,
        description = "Generate a reproducible NRLS-style CSV incident history for one year.")
public final class HistoryGenerator implements Callable<Integer> {

    /** The NRLS-style header. */
    public static final String[] HEADER = {"Ref", "Incident date", "Location", "Degree of harm", "Incident category",
        "Description", "Patient ID"};

    /** Location names of the export, in the order of the job's ten ward ids they map to. */
    public static final List<String> LOCATIONS = List.of("Intensive Care Unit 1", "Intensive Care Unit 2",
            "Emergency Department A", "Emergency Department B", "Medical Ward 3", "Surgical Ward 4", "Paediatrics 1",
            "Oncology 2", "Maternity 1", "Older People's Care 5");

    static final String[] HARM = {"No harm", "Low harm", "Moderate harm", "Severe harm", "Death"};

    /** NRLS incident categories; "Consent…", "Miscellaneous" and blank map to nothing the job knows (unclassified). */
    static final String[] CATEGORIES = {"Medication", "Patient accident", "Infection control incident",
        "Medical device / equipment", "Treatment, procedure", "Pressure sore / decubitus ulcer",
        "Maternity / obstetric", "Blood / blood products", "Venous thromboembolism", "Consent, communication, "
            + "confidentiality", "Other", "Miscellaneous", ""};

    private static final String[] DESCRIPTIONS = {"Patient found on floor beside bed", "Wrong dose drawn up, caught "
        + "before administration", "Infusion pump alarm failed to sound", "Suspected line infection, cultures sent",
        "Pressure damage to sacrum, grade 2", "Delay in \"urgent\" bloods being taken", "Allergy not checked before "
        + "administration", "Swab count discrepancy at close", "Patient slipped in bathroom\nno injury seen",
        "Handover incomplete; obs not done for 6 hours"};

    @Option(names = "--seed", description = "Random seed (default 2025, the committed sample).")
    long seed = 2025;

    @Option(names = "--rows", description = "Rows of history (default 24000).")
    int rows = 24_000;

    @Option(names = "--year", description = "Calendar year (default 2025).")
    int year = 2025;

    @Option(names = "--bad-rows", description = "Rows an import must reject, mixed in (default 0).")
    int badRows;

    @Option(names = "--out", required = true, description = "The CSV goes here.")
    Path out;

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        System.exit(new CommandLine(new HistoryGenerator()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            write(writer, seed, rows, year, badRows);
        }
        System.err.println("generate-history: " + rows + " rows (" + badRows + " bad) for " + year + " in " + out);
        return 0;
    }

    /**
     * Writes the CSV.
     *
     * @param writer receives RFC 4180 CSV with the {@link #HEADER}
     * @param seed random seed
     * @param rows data rows, bad ones included
     * @param year calendar year of the incident dates
     * @param badRows rows an import must reject, evenly spread
     * @throws IOException from the writer
     */
    public static void write(Writer writer, long seed, int rows, int year, int badRows) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
        LocalDate first = LocalDate.of(year, 1, 1);
        int days = first.lengthOfYear();
        int badEvery = badRows == 0 ? Integer.MAX_VALUE : rows / badRows;
        // Times first, sorted: an export lists incidents in date order, and refs follow it. A long per row (minutes
        // since the year began), so a million-row file takes 8 MB here.
        long[] minutes = new long[rows];
        for (int i = 0; i < rows; i++) {
            minutes[i] = java.time.Duration.between(first.atStartOfDay(), when(random, first, days)).toMinutes();
        }
        java.util.Arrays.sort(minutes);
        try (CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder().setHeader(HEADER).build())) {
            List<String> row = new ArrayList<>(HEADER.length);
            for (int i = 1; i <= rows; i++) {
                int ward = random.nextInt(LOCATIONS.size());
                LocalDateTime when = first.atStartOfDay().plusMinutes(minutes[i - 1]);
                row.clear();
                row.add(String.format("W%d%06d", year, i));
                row.add(format.format(when));
                row.add(LOCATIONS.get(ward));
                row.add(HARM[harm(random, ward)]);
                row.add(CATEGORIES[category(random, ward)]);
                row.add(DESCRIPTIONS[random.nextInt(DESCRIPTIONS.length)]);
                row.add(String.format("%010d", 4_000_000_000L + random.nextInt(5_000_000)));
                if (badRows > 0 && i % badEvery == badEvery / 2 && i / badEvery < badRows) {
                    spoil(row, i / badEvery);
                }
                csv.printRecord(row);
            }
        }
    }

    /** Bad-row kinds, in turn: date, harm, location, short row, date with text, blank ref. */
    private static void spoil(List<String> row, int kind) {
        switch (kind % 6) {
            case 0 -> row.set(1, "31/13/2025 10:00");
            case 1 -> row.set(3, "Not recorded");
            case 2 -> row.set(2, "");
            case 3 -> row.subList(4, row.size()).clear();
            case 4 -> row.set(1, "see notes");
            default -> row.set(0, "");
        }
    }

    /** A day weighted towards weekdays, an hour towards the day shift and the drug rounds. */
    private static LocalDateTime when(SplittableRandom random, LocalDate first, int days) {
        LocalDate day;
        do {
            day = first.plusDays(random.nextInt(days));
            // Weekend days keep 60 % of their draws: fewer staff report, fewer elective admissions.
        } while ((day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY)
                && random.nextInt(100) >= 60);
        int[] hourWeights = {2, 1, 1, 1, 1, 2, 3, 5, 9, 10, 10, 9, 7, 7, 9, 9, 8, 6, 6, 5, 4, 4, 3, 2};
        int hour = weighted(random, hourWeights);
        return day.atTime(hour, random.nextInt(60));
    }

    /** Harm index into {@link #HARM}; intensive care (0, 1) and older people's care (9) see more serious harm. */
    private static int harm(SplittableRandom random, int ward) {
        boolean acute = ward == 0 || ward == 1 || ward == 9;
        int[] weights = acute ? new int[] {560, 300, 100, 30, 10} : new int[] {700, 230, 55, 12, 3};
        return weighted(random, weights);
    }

    /** Category index into {@link #CATEGORIES}; falls in older people's care, maternity in maternity. */
    private static int category(SplittableRandom random, int ward) {
        int[] weights = {250, 180, 90, 90, 120, 80, 20, 20, 40, 15, 60, 8, 10};
        if (ward == 9) {
            weights[1] = 450;
        }
        if (ward == 8) {
            weights[6] = 300;
        } else {
            weights[6] = 2;
        }
        return weighted(random, weights);
    }

    private static int weighted(SplittableRandom random, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}

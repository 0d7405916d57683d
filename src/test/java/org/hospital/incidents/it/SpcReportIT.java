package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.hospital.incidents.testing.Chromium;
import org.hospital.incidents.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committee report as a user makes it (docs/DESIGN.md "The committee report"): a history with planted signals (a
 * spike, a dip, a step, a rising run, a quiet month, a short series) imported with {@code bin/incident-import},
 * {@code bin/incident-analytics} run as the README shows, and every row of {@code spc.csv} and
 * {@code spc-summary.csv} compared with a computation here that reads the CSV and applies DESIGN.md's rules in the
 * plainest way (for each point, each window that could hold it); then {@code report.html} in headless Chromium.
 */
class SpcReportIT {

    private static final MathContext PRECISE = new MathContext(50);

    @TempDir
    Path temp;

    /** Monthly incident counts per location, 24 months from 2024-01; -1 = no month (outside the ward's range). */
    private static Map<String, int[]> plantedCounts() {
        SplittableRandom random = new SplittableRandom(35);
        Map<String, int[]> counts = new TreeMap<>();
        int[] spike = new int[24];
        int[] dip = new int[24];
        int[] step = new int[24];
        int[] rising = new int[24];
        for (int m = 0; m < 24; m++) {
            spike[m] = 9 + random.nextInt(4);
            dip[m] = 18 + random.nextInt(5);
            step[m] = (m < 12 ? 6 : 14) + random.nextInt(3);
            rising[m] = m < 14 ? 10 + random.nextInt(4) : 14 + (m - 14) * 2;
        }
        spike[15] = 45;
        dip[9] = 2;
        step[5] = 0; // a month with no incident inside the ward's range counts 0
        counts.put("Intensive Care Unit 1", spike);
        counts.put("Emergency Department A", dip);
        counts.put("Medical Ward 3", step);
        counts.put("Older People's Care 5", rising);
        int[] shortSeries = new int[24];
        java.util.Arrays.fill(shortSeries, -1);
        for (int m = 18; m < 23; m++) {
            shortSeries[m] = 3 + random.nextInt(3);
        }
        counts.put("Maternity 1", shortSeries);
        return counts;
    }

    @Test
    void plantedSignalsAreFoundAndEveryPointFollowsTheRules() throws Exception {
        Path csv = temp.resolve("history-spc.csv");
        writeHistory(csv);
        Path archive = temp.resolve("archive");
        Path out = temp.resolve("analytics");
        Scripts.Result imported = Scripts.run(Map.of(), 300, "incident-import", "--mapping",
                "config/import-mapping-nrls.json", "--archive", archive.toString(), csv.toString());
        assertEquals(0, imported.exitCode(), imported.stdout() + imported.stderr());
        Scripts.Result analysed = Scripts.run(Map.of(), 300, "incident-analytics", "--archive", archive.toString(),
                "--out", out.toString(), "--time-zone", "Europe/London");
        assertEquals(0, analysed.exitCode(), analysed.stdout() + analysed.stderr());
        assertTrue(analysed.stdout().contains("spc.csv, spc-summary.csv, 15 charts"), analysed.stdout());

        Map<String, Map<YearMonth, long[]>> byWard = readBack(csv);
        List<List<String>> expected = new ArrayList<>();
        List<List<String>> expectedSummary = new ArrayList<>();
        byWard.forEach((ward, months) -> {
            for (int measure = 0; measure < 2; measure++) {
                List<YearMonth> range = new ArrayList<>();
                for (YearMonth m = ((TreeMap<YearMonth, long[]>) months).firstKey();
                        !m.isAfter(((TreeMap<YearMonth, long[]>) months).lastKey()); m = m.plusMonths(1)) {
                    range.add(m);
                }
                long[] values = new long[range.size()];
                for (int i = 0; i < values.length; i++) {
                    long[] count = months.get(range.get(i));
                    values[i] = count == null ? 0 : count[measure];
                }
                List<List<String>> rows = reference(ward, measure == 0 ? "incidents" : "severeOrDeath", range,
                        values);
                expected.addAll(rows);
                List<String> last = rows.get(rows.size() - 1);
                String variation = last.get(8).isEmpty() ? "common-cause" : "special-cause-" + last.get(8);
                expectedSummary.add(List.of(last.get(0), last.get(1), last.get(2), last.get(3), last.get(4),
                        last.get(5), last.get(6), variation, last.get(9)));
            }
        });
        List<List<String>> spc = read(out.resolve("spc.csv"), "wardId,measure,month,value,mean,lowerLimit,"
                + "upperLimit,signals,direction,trial");
        assertEquals(expected.size(), spc.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), spc.get(i), "spc.csv row " + (i + 1));
        }
        assertEquals(expectedSummary, read(out.resolve("spc-summary.csv"), "wardId,measure,month,value,mean,"
                + "lowerLimit,upperLimit,variation,trial"));

        // The planted signals are there (so the comparison above is not between two empty answers).
        assertTrue(spc.contains(List.of("ICU-1", "incidents", "2025-04", "45", mean(spc, "ICU-1"), lower(spc, "ICU-1"),
                upper(spc, "ICU-1"), "outside-limits", "concerning", "false")), "the spike");
        assertTrue(find(spc, "ED-1", "incidents", "2024-10").get(7).startsWith("outside-limits"), "the dip");
        assertEquals("improving", find(spc, "ED-1", "incidents", "2024-10").get(8));
        assertTrue(find(spc, "MED-3", "incidents", "2025-12").get(7).contains("shift"), "the step: above");
        assertEquals("concerning", find(spc, "MED-3", "incidents", "2025-12").get(8));
        assertTrue(find(spc, "MED-3", "incidents", "2024-02").get(7).contains("shift"), "the step: below");
        assertEquals("0", find(spc, "MED-3", "incidents", "2024-06").get(3), "the quiet month counts 0");
        assertTrue(find(spc, "GER-5", "incidents", "2025-06").get(7).contains("trend"), "the rise");
        assertEquals("true", find(spc, "MAT-1", "incidents", "2025-07").get(9), "five months: trial limits");
        assertTrue(read(out.resolve("spc-summary.csv"), null).contains(List.of("MED-3", "incidents", "2025-12",
                find(spc, "MED-3", "incidents", "2025-12").get(3), mean(spc, "MED-3"), lower(spc, "MED-3"),
                upper(spc, "MED-3"), "special-cause-concerning", "false")));

        browserCheck(out);
    }

    /** The history: each planted count as that many rows in the month, one in ten severe or death. */
    private static void writeHistory(Path csv) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        String[] harms = {"No harm", "Low harm", "Moderate harm", "Severe harm", "Death"};
        int ref = 0;
        try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.RFC4180.builder().setHeader("Ref",
                        "Incident date", "Location", "Degree of harm", "Incident category", "Description",
                        "Patient ID").build())) {
            for (Map.Entry<String, int[]> ward : plantedCounts().entrySet()) {
                for (int m = 0; m < 24; m++) {
                    YearMonth month = YearMonth.of(2024, 1).plusMonths(m);
                    for (int i = 0; i < ward.getValue()[m]; i++) {
                        // Day-time hours: no local time falls in a clock change's gap or overlap.
                        String when = String.format("%02d/%02d/%d %02d:%02d", 1 + random.nextInt(month.lengthOfMonth()),
                                month.getMonthValue(), month.getYear(), 9 + random.nextInt(8), random.nextInt(60));
                        int harm = random.nextInt(10) == 0 ? 3 + random.nextInt(2) : random.nextInt(3);
                        printer.printRecord("SPC-" + (++ref), when, ward.getKey(), harms[harm], "Medication",
                                "planted", "P" + ref);
                    }
                }
            }
        }
    }

    /** Ward id → month → {incidents, severeOrDeath}, read from the CSV the test wrote (mapping's ward ids). */
    private static Map<String, Map<YearMonth, long[]>> readBack(Path csv) throws IOException {
        Map<String, String> wardIds = Map.of("Intensive Care Unit 1", "ICU-1", "Emergency Department A", "ED-1",
                "Medical Ward 3", "MED-3", "Older People's Care 5", "GER-5", "Maternity 1", "MAT-1");
        Map<String, Map<YearMonth, long[]>> byWard = new TreeMap<>();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                        .parse(reader)) {
            for (CSVRecord row : parser) {
                String date = row.get("Incident date");
                YearMonth month = YearMonth.of(Integer.parseInt(date.substring(6, 10)),
                        Integer.parseInt(date.substring(3, 5)));
                long[] count = byWard.computeIfAbsent(wardIds.get(row.get("Location")), w -> new TreeMap<>())
                        .computeIfAbsent(month, m -> new long[2]);
                count[0]++;
                String harm = row.get("Degree of harm");
                count[1] += harm.equals("Severe harm") || harm.equals("Death") ? 1 : 0;
            }
        }
        return byWard;
    }

    /**
     * DESIGN.md's rules, read literally: for each point, whether any run of 7 or any window of 3 that holds it
     * qualifies; figures in 50-digit decimals.
     */
    private static List<List<String>> reference(String ward, String measure, List<YearMonth> months, long[] x) {
        int n = x.length;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal ranges = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            sum = sum.add(BigDecimal.valueOf(x[i]));
            if (i > 0) {
                ranges = ranges.add(BigDecimal.valueOf(Math.abs(x[i] - x[i - 1])));
            }
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(n), PRECISE);
        BigDecimal mr = n < 2 ? BigDecimal.ZERO : ranges.divide(BigDecimal.valueOf(n - 1), PRECISE);
        BigDecimal reach = new BigDecimal("2.66").multiply(mr, PRECISE);
        BigDecimal upper = mean.add(reach, PRECISE);
        BigDecimal lower = mean.subtract(reach, PRECISE);
        BigDecimal bandUp = mean.add(reach.multiply(BigDecimal.valueOf(2)).divide(BigDecimal.valueOf(3), PRECISE));
        BigDecimal bandDown = mean.subtract(reach.multiply(BigDecimal.valueOf(2)).divide(BigDecimal.valueOf(3),
                PRECISE));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BigDecimal v = BigDecimal.valueOf(x[i]);
            List<String> signals = new ArrayList<>();
            boolean up = false;
            boolean down = false;
            if (v.compareTo(upper) > 0 || v.compareTo(lower) < 0) {
                signals.add("outside-limits");
                up |= v.compareTo(upper) > 0;
                down |= v.compareTo(lower) < 0;
            }
            boolean shift = false;
            for (int s = Math.max(0, i - 6); s <= i && s + 7 <= n; s++) {
                boolean above = true;
                boolean below = true;
                for (int j = s; j < s + 7; j++) {
                    above &= BigDecimal.valueOf(x[j]).compareTo(mean) > 0;
                    below &= BigDecimal.valueOf(x[j]).compareTo(mean) < 0;
                }
                shift |= above || below;
                up |= above;
                down |= below;
            }
            if (shift) {
                signals.add("shift");
            }
            boolean trend = false;
            for (int s = Math.max(0, i - 6); s <= i && s + 7 <= n; s++) {
                boolean rise = true;
                boolean fall = true;
                for (int j = s + 1; j < s + 7; j++) {
                    rise &= x[j] > x[j - 1];
                    fall &= x[j] < x[j - 1];
                }
                trend |= rise || fall;
                up |= rise;
                down |= fall;
            }
            if (trend) {
                signals.add("trend");
            }
            boolean inLimits = v.compareTo(upper) <= 0 && v.compareTo(lower) >= 0;
            boolean twoOfThree = false;
            for (int s = Math.max(0, i - 2); s <= i && s + 3 <= n; s++) {
                int aboveCount = 0;
                int beyondUp = 0;
                int belowCount = 0;
                int beyondDown = 0;
                for (int j = s; j < s + 3; j++) {
                    BigDecimal w = BigDecimal.valueOf(x[j]);
                    aboveCount += w.compareTo(mean) > 0 ? 1 : 0;
                    belowCount += w.compareTo(mean) < 0 ? 1 : 0;
                    beyondUp += w.compareTo(bandUp) > 0 ? 1 : 0;
                    beyondDown += w.compareTo(bandDown) < 0 ? 1 : 0;
                }
                if (inLimits && v.compareTo(bandUp) > 0 && aboveCount == 3 && beyondUp >= 2) {
                    twoOfThree = true;
                    up = true;
                }
                if (inLimits && v.compareTo(bandDown) < 0 && belowCount == 3 && beyondDown >= 2) {
                    twoOfThree = true;
                    down = true;
                }
            }
            if (twoOfThree) {
                signals.add("two-of-three");
            }
            rows.add(List.of(ward, measure, months.get(i).toString(), Long.toString(x[i]), four(mean), four(lower),
                    four(upper), String.join(";", signals), up ? "concerning" : down ? "improving" : "",
                    Boolean.toString(n < 12)));
        }
        return rows;
    }

    private static String four(BigDecimal value) {
        return value.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    private static List<String> find(List<List<String>> spc, String ward, String measure, String month) {
        return spc.stream().filter(r -> r.get(0).equals(ward) && r.get(1).equals(measure) && r.get(2).equals(month))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + ward + " " + measure + " " + month));
    }

    private static String mean(List<List<String>> spc, String ward) {
        return find(spc, ward, "incidents", "2025-01").get(4);
    }

    private static String lower(List<List<String>> spc, String ward) {
        return find(spc, ward, "incidents", "2025-01").get(5);
    }

    private static String upper(List<List<String>> spc, String ward) {
        return find(spc, ward, "incidents", "2025-01").get(6);
    }

    private static List<List<String>> read(Path file, String header) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.parse(reader)) {
            boolean first = true;
            for (CSVRecord record : parser) {
                if (first && header != null) {
                    assertEquals(header, String.join(",", record.toList()), file + "'s header");
                }
                if (!first) {
                    rows.add(record.toList());
                }
                first = false;
            }
        }
        return rows;
    }

    /**
     * Opens report.html in headless Chromium and reads back what the browser built: the summary is the first section,
     * every ward's two XmR charts were decoded. Skipped with a message where no Chromium is installed.
     */
    private static void browserCheck(Path out) throws IOException, InterruptedException {
        String browser = Chromium.orSkip("the committee report's browser check");
        String probe = "<script>window.addEventListener('load',()=>{const ok=[...document.images].filter(i=>"
                + "i.complete&&i.naturalWidth>=800&&i.id.startsWith('chart-spc-')).length;"
                + "document.body.setAttribute('data-spc-charts',ok);document.body.setAttribute('data-first-section',"
                + "document.querySelector('h2').id);document.body.setAttribute('data-variations',"
                + "document.querySelectorAll('td[data-variation]').length);});</script></body>";
        Path check = out.resolve("check-spc.html");
        Files.writeString(check, Files.readString(out.resolve("report.html")).replace("</body>", probe));
        try {
            Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--virtual-time-budget=10000", "--dump-dom",
                    check.toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertTrue(dom.contains("data-spc-charts=\"10\""), "five wards' two XmR charts decoded: "
                    + dom.substring(0, Math.min(400, dom.length())));
            assertTrue(dom.contains("data-first-section=\"variation\""), "the report opens with the summary");
            assertTrue(dom.contains("data-variations=\"10\""), "a variation for each ward and measure");
            assertTrue(dom.contains("special cause, concerning"), "the icons' meaning in words");
        } finally {
            Files.deleteIfExists(check);
        }
    }
}

package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's figures beside an earlier run's {@code results.json}: the same figure, setting and
 * metric, the earlier value and the change. Whether a change counts is for the reader to judge
 * against the spread of repeated runs; this only lines the figures up.
 */
final class Comparison {

    private final Path earlierFile;
    private final String earlierRun;
    private final Map<String, Double> earlier;

    private Comparison(Path earlierFile, String earlierRun, Map<String, Double> earlier) {
        this.earlierFile = earlierFile;
        this.earlierRun = earlierRun;
        this.earlier = earlier;
    }

    /**
     * Reads an earlier run's {@code results.json}.
     *
     * @throws IllegalArgumentException naming the file when it is missing or not a results file
     */
    static Comparison against(Path file) {
        JsonNode json = read("--compare", file);
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Row> rows = rows(json);
        for (Row row : rows) {
            seen.merge(key(row), 1, Integer::sum);
        }
        for (Row row : rows) {
            // Rows that share figure, setting and metric (a thread's CPU, a profile's place) differ by their note;
            // other notes (targets, wording) may change between versions without breaking the match.
            values.put(seen.get(key(row)) > 1 ? key(row) + '\u0000' + row.note() : key(row), row.value());
        }
        String run = json.path("started").asText("?") + (json.path("quick").asBoolean() ? " (quick)" : "")
                + ", load average at start " + json.path("loadAverageAtStart").asText("unknown");
        return new Comparison(file, run, values);
    }

    /**
     * The rows of a {@code results.json}.
     *
     * @param option the command-line option that named the file, for the error
     * @throws IllegalArgumentException naming the option and the file when it is missing or not a results file
     */
    static List<Row> rows(String option, Path file) {
        return rows(read(option, file));
    }

    private static JsonNode read(String option, Path file) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read it (" + e + "); give the results.json of a run", e);
        }
        if (json == null || !json.path("rows").isArray()) {
            throw new IllegalArgumentException(option + " " + file + ": not a benchmark results.json (it has no \"rows\")");
        }
        return json;
    }

    private static List<Row> rows(JsonNode json) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : json.path("rows")) {
            rows.add(new Row(row.path("figure").asText(), row.path("setting").asText(), row.path("metric").asText(),
                    row.path("value").asDouble(Double.NaN), row.path("note").asText("")));
        }
        return rows;
    }

    /** The earlier value of this row's figure, setting and metric, or NaN when the earlier run has none. */
    double earlier(Row row) {
        Double value = earlier.get(key(row) + '\u0000' + row.note());
        return value != null ? value : earlier.getOrDefault(key(row), Double.NaN);
    }

    /** The change from the earlier value in percent, or NaN. */
    double changePercent(Row row) {
        double before = earlier(row);
        return Double.isNaN(before) || before == 0 ? Double.NaN : 100 * (row.value() - before) / Math.abs(before);
    }

    /** A plain-text table of {@code rows} with the earlier value and the change beside each. */
    String table(List<Row> rows) {
        StringBuilder out = new StringBuilder("compared with ").append(earlierFile).append(" (").append(earlierRun).append(")\n");
        out.append(String.format(Locale.ROOT, "%-22s %-42s %-16s %12s %12s %8s%n", "figure", "setting", "metric", "value", "earlier",
                "change"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-22s %-42s %-16s %12.2f %12s %8s%n", r.figure(), r.setting(), r.metric(), r.value(),
                    format(earlier(r), "%.2f"), format(changePercent(r), "%+.0f%%")));
        }
        return out.toString();
    }

    /** The same as a Markdown table. */
    String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("Compared with `").append(earlierFile).append("` (").append(earlierRun).append(").\n\n")
                .append("| figure | setting | metric | value | earlier | change |\n|---|---|---|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s |%n", r.figure(), r.setting(), r.metric(), r.value(),
                    format(earlier(r), "%.2f"), format(changePercent(r), "%+.0f%%")));
        }
        return md.toString();
    }

    private static String format(double value, String pattern) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, pattern, value);
    }

    private static String key(Row row) {
        return row.figure() + '\u0000' + row.setting() + '\u0000' + row.metric();
    }
}

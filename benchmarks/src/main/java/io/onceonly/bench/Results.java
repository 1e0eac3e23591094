package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The rows of a run: printed as a table, written as JSON and Markdown. */
public final class Results {

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> charts = new LinkedHashMap<>();
    private final Instant started = Instant.now();
    private final String loadAtStart = loadAverage();

    synchronized void add(Row row) {
        rows.add(row);
    }

    /** Links the chart in {@code file} (next to results.md) from the Markdown. */
    synchronized void chart(String file, String caption) {
        charts.put(file, caption);
    }

    /** The rows so far. */
    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    synchronized String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-22s %-42s %-16s %12s  %s%n", "figure", "setting", "metric", "value", "note"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-22s %-42s %-16s %12.2f  %s%n", r.figure(), r.setting(), r.metric(), r.value(), r.note()));
        }
        return out.toString();
    }

    synchronized void write(Path dir, boolean quick) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("quick", quick);
        json.put("machine", machine());
        // Other work on the machine shows in every figure: the load says how much there was.
        json.put("loadAverageAtStart", loadAtStart);
        json.put("loadAverageAtEnd", loadAverage());
        json.put("rows", rows);
        json.put("charts", charts);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        StringBuilder md = new StringBuilder("# Once benchmark results\n\n")
                .append("Run ").append(started).append(quick ? " (quick)" : "").append(" on ").append(machine())
                .append("; load average (1, 5, 15 min) ").append(loadAtStart).append(" at start, ").append(loadAverage()).append(" at end.\n\n")
                .append("| figure | setting | metric | value | note |\n|---|---|---|---:|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s |%n", r.figure(), r.setting(), r.metric(), r.value(), r.note()));
        }
        charts.forEach((file, caption) -> md.append("\n![").append(caption).append("](").append(file).append(")\n"));
        Files.writeString(dir.resolve("results.md"), md);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB max heap, Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch");
    }
}

package io.onceonly.faultmatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.onceonly.demo.membership.report.Check;
import io.onceonly.demo.membership.report.LatencyOverTimeChart;

/**
 * The matrix's results: a table on the console and in {@code results.md} (with the run's date,
 * machine and settings), the same figures in {@code results.json}, and a latency chart per cell
 * with its fault marked.
 */
final class MatrixReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MatrixReport() {
    }

    static void writeChart(Path file, List<long[]> samples, String fault, long faultAtMs) throws IOException {
        Files.writeString(file, LatencyOverTimeChart.svg(samples, Map.of(fault, faultAtMs)));
    }

    /** The results table, in Markdown (the console prints it as it is). */
    static String table(List<CellResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("| cell | offered | payments | cards | retries / resends | relay resent | dedup dropped | card claims refused"
                + " | lost | double effects | fault at | p50 before | caught up after | p99 during fault | p50 / p99 | verdict |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (CellResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d / %,d | %,d | %,d | %,d | %,d | %,d | %.1f s | %,.0f ms | %s | %,.0f ms"
                            + " | %,.0f / %,.0f ms | %s |%n",
                    r.cell(), r.offered(), r.payments(), r.cards(), r.clientRetries(), r.businessResends(), r.relayResent(),
                    r.dedupDropped(), r.cardClaimRefused(), r.lostOnKafka() + r.lostEffects(), r.doubleEffects(), r.faultAtSeconds(),
                    r.p50BeforeFaultMs(), r.caughtUpSeconds() < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", r.caughtUpSeconds()),
                    r.p99DuringFaultMs(), r.p50Ms(), r.p99Ms(), r.holds() ? "HOLDS" : "FAILS"));
        }
        return md.toString();
    }

    /** What each cell's fault did, and each failed check with its evidence. */
    static String details(List<CellResult> results) {
        StringBuilder md = new StringBuilder();
        for (CellResult r : results) {
            md.append("- **").append(r.cell()).append("**: ").append(r.fault()).append(". ").append(r.happened()).append('.');
            for (Check check : r.checks()) {
                if (!check.holds()) {
                    md.append(" FAILED: ").append(check.claim()).append(" (").append(check.evidence()).append(").");
                }
            }
            r.notes().forEach(n -> md.append(' ').append(n).append('.'));
            md.append('\n');
        }
        return md.toString();
    }

    static void write(Path out, MatrixOptions options, List<CellResult> results, String machine) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("machine", machine);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("events", options.events());
        settings.put("rate", options.rate());
        settings.put("clients", options.clients());
        settings.put("seed", options.seed());
        settings.put("outage", options.outage().toString());
        json.put("settings", settings);
        json.put("cells", results);
        JSON.writeValue(out.resolve("results.json").toFile(), json);
        String md = "# Fault matrix results\n\n" + Instant.now() + ", " + machine + "; " + String.format(Locale.ROOT,
                "%,d purchase requests per cell at %,d/s by %d buyers (client retries and business resends on in every cell)",
                options.events(), options.rate(), options.clients()) + ".\n\n" + table(results) + "\n" + details(results)
                + "\nCharts: `<cell>/latency.svg` (payment-to-card latency per second, the fault marked).\n";
        Files.writeString(out.resolve("results.md"), md);
    }
}

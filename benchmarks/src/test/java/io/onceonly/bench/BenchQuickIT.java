package io.onceonly.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The quick suite runs end to end and every figure yields values. Timings are never checked:
 * they depend on the machine and on whatever else runs on it.
 */
class BenchQuickIT {

    @Test
    void everyFigureOfTheQuickSuiteProducesValues() throws Exception {
        Path out = Path.of("target", "bench-quick-it");
        Results results = BenchMain.run(true, out);

        Map<String, List<Row>> byFigure = results.rows().stream().collect(Collectors.groupingBy(Row::figure));
        assertThat(byFigure).containsKeys("outbox write", "relay backlog", "dedup", "dedup store", "relay latency", "end to end", "idle cost");
        assertThat(results.rows()).allSatisfy(row -> assertThat(row.value()).as(row.toString()).isFinite());
        assertThat(metrics(byFigure, "outbox write")).contains("events/s", "limit events/s", "ratio %");
        assertThat(metrics(byFigure, "relay backlog")).contains("events/s", "limit events/s", "ratio %");
        assertThat(metrics(byFigure, "dedup")).contains("records/s", "limit records/s", "ratio %");
        assertThat(byFigure.get("dedup store")).extracting(Row::setting).anyMatch(s -> s.startsWith("range read (dedup app)"))
                .anyMatch(s -> s.startsWith("point reads, filters on every level"));
        assertThat(metrics(byFigure, "dedup store")).contains("us/lookup, not held", "us/lookup, held");
        assertThat(metrics(byFigure, "end to end")).contains("p50 ms", "p99 ms", "max ms", "events/s", "cpu % connector", "cpu % dedup",
                "cpu % postgres", "cpu % broker", "cpu µs/event connector", "cpu µs/event dedup");
        assertThat(byFigure.get("idle cost")).extracting(Row::setting).contains("dedup app, defaults", "connector + dedup app");
        assertThat(out.resolve("results.json")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("results.md"))).contains("| end to end |").contains("latency.svg");
        assertThat(Files.readString(out.resolve("latency.svg"))).startsWith("<svg").contains("p99");
    }

    private static List<String> metrics(Map<String, List<Row>> byFigure, String figure) {
        return byFigure.get(figure).stream().map(Row::metric).toList();
    }
}

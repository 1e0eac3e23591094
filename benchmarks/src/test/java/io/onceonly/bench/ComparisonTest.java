package io.onceonly.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {

    @TempDir
    Path dir;

    private Path earlierRun() throws Exception {
        Results earlier = new Results();
        earlier.add(new Row("relay backlog", "100000 rows, connector defaults", "events/s", 40_000, ""));
        earlier.add(new Row("relay latency", "2000 ev/s, defaults", "p99 ms", 40, ""));
        earlier.write(dir.resolve("earlier"), false);
        return dir.resolve("earlier").resolve("results.json");
    }

    @Test
    void eachFigureStandsBesideTheEarlierValueOfTheSameFigureSettingAndMetric() throws Exception {
        Comparison comparison = Comparison.against(earlierRun());
        Row faster = new Row("relay backlog", "100000 rows, connector defaults", "events/s", 50_000, "");
        Row sameLatency = new Row("relay latency", "2000 ev/s, defaults", "p99 ms", 40, "");
        Row newFigure = new Row("relay latency", "2000 ev/s, delivery.guarantee=exactly-once", "p99 ms", 30, "");

        assertThat(comparison.earlier(faster)).isEqualTo(40_000);
        assertThat(comparison.changePercent(faster)).isEqualTo(25.0);
        assertThat(comparison.changePercent(sameLatency)).isZero();
        assertThat(comparison.earlier(newFigure)).isNaN();

        String table = comparison.table(List.of(faster, sameLatency, newFigure));
        assertThat(table).contains("40000.00", "+25%", "+0%").containsPattern("exactly-once\\s+p99 ms\\s+30.00\\s+-\\s+-");
        assertThat(comparison.markdown(List.of(faster))).contains("| relay backlog | 100000 rows, connector defaults | events/s | 50000.00"
                + " | 40000.00 | +25% |");
    }

    @Test
    void rowsThatShareFigureSettingAndMetricAreToldApartByTheirNote() throws Exception {
        Results earlier = new Results();
        earlier.add(new Row("relay backlog", "defaults", "cpu % thread", 50, "during the drain: engine"));
        earlier.add(new Row("relay backlog", "defaults", "cpu % thread", 20, "during the drain: kafka-producer-network-thread"));
        earlier.write(dir.resolve("threads"), false);
        Comparison comparison = Comparison.against(dir.resolve("threads").resolve("results.json"));

        assertThat(comparison.earlier(new Row("relay backlog", "defaults", "cpu % thread", 25, "during the drain:"
                + " kafka-producer-network-thread"))).isEqualTo(20);
        assertThat(comparison.earlier(new Row("relay backlog", "defaults", "cpu % thread", 25, "during the drain: other"))).isNaN();
    }

    @Test
    void aLaterResultsFileIsReadBackRowForRow() throws Exception {
        assertThat(Comparison.rows("--with", earlierRun())).extracting(Row::metric).containsExactly("events/s", "p99 ms");
    }

    @Test
    void aFileThatIsNotAResultsFileIsNamedWithTheOption() throws Exception {
        Path notResults = Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");
        assertThatThrownBy(() -> Comparison.against(notResults)).hasMessageContaining("--compare " + notResults)
                .hasMessageContaining("not a benchmark results.json");
        assertThatThrownBy(() -> Comparison.rows("--with", dir.resolve("missing.json"))).hasMessageContaining("--with")
                .hasMessageContaining("cannot read it");
    }
}

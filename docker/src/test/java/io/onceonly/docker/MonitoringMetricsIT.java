package io.onceonly.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.dedup.DedupService;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.Await;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * Every metric the alert rules and the dashboards name is one the apps export: the connector and
 * the dedup app run on the testkit's PostgreSQL and Kafka, relay and forward a few events, and
 * their {@code /metrics} pages are scraped; a name in an expression must be a series name of one
 * of them (with the {@code _total}, {@code _bucket}, ... suffixes Prometheus stores), or one
 * Prometheus makes itself ({@code up}).
 */
@WithStack
class MonitoringMetricsIT {

    private static final Path DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final MonitoringFiles FILES = new MonitoringFiles(DIR);
    private static final int EVENTS = 20;

    private static OutboxConnector connector;
    private static DedupService dedup;
    private static Set<String> exported;

    @BeforeAll
    static void runTheAppsUntilEachHasDoneSomeWork(TestStack stack) throws Exception {
        PostgresService pg = stack.postgres();
        try (Connection c = pg.dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        stack.kafka().createTopic("outbox.payment", 2);
        connector = new OutboxConnector(ConnectorSettings.of(pg.jdbcUrl(), pg.username(), pg.password(), stack.kafka().bootstrapServers())
                .instance("monitoring").with(ConnectorOptions.HTTP_PORT, "0").config()).start();
        dedup = new DedupService(DedupConfig.from(AppOptions.load(new String[] {
                "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=monitoring-dedup",
                "--input.topics=outbox.payment", "--output.mapping=outbox.payment:monitoring.card-requests", "--http.port=0",
                "--state.dir=" + Files.createTempDirectory("once-monitoring-dedup")}, Map.of()))).start();

        OutboxWriter writer = OutboxWriter.create();
        try (Connection tx = pg.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            for (int i = 0; i < EVENTS; i++) {
                // Every fifth event written twice with one biz-id, as a business resend: the dedup app drops a copy.
                for (int copy = 0; copy < (i % 5 == 0 ? 2 : 1); copy++) {
                    writer.append(tx, OutboxEvent.builder().aggregateType("payment").aggregateId("user-" + i)
                            .eventType("PaymentCompleted").bizId("pay-" + i).payload(Map.of("cents", 100 + i)).build());
                }
            }
            tx.commit();
        }
        String dedupMetrics = "http://localhost:" + dedup.httpPort() + "/metrics";
        Await.until("the dedup app forwarded every event and looked at its input lag", Duration.ofSeconds(90),
                () -> dedup.metrics().forwardedCount() >= EVENTS && dedup.metrics().duplicateCount() > 0
                        && ExportedMetrics.scrape(dedupMetrics).contains("once_dedup_input_lag_records"),
                () -> "forwarded " + dedup.metrics().forwardedCount() + ", relayed " + connector.metrics().relayedCount());
        exported = new TreeSet<>(ExportedMetrics.scrape("http://localhost:" + connector.httpPort() + "/metrics"));
        exported.addAll(ExportedMetrics.scrape(dedupMetrics));
    }

    @AfterAll
    static void stop() {
        if (dedup != null) {
            dedup.close();
        }
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void everyMetricTheAlertRulesNameIsExported() {
        assertThat(unexported(FILES.alertExpressions())).as("metrics the alert rules name that neither app exports, by alert").isEmpty();
    }

    @Test
    void everyMetricTheDashboardsNameIsExported() {
        assertThat(unexported(FILES.dashboardExpressions())).as("metrics the dashboards name that neither app exports, by panel").isEmpty();
    }

    @Test
    void aNameNoAppExportsIsReportedWithItsRuleAndTheSuffixesMatter() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("Bogus", "rate(once_dedup_records_bogus_total[5m]) > 0");
        rules.put("CounterWithoutTotal", "increase(once_dedup_records_unguarded[15m]) > 0");
        rules.put("HistogramBucket", "histogram_quantile(0.99, sum by (le) (rate(once_connector_commit_to_ack_seconds_bucket[5m])))");

        assertThat(unexported(rules)).containsOnlyKeys("Bogus", "CounterWithoutTotal")
                .containsEntry("Bogus", Set.of("once_dedup_records_bogus_total"))
                .containsEntry("CounterWithoutTotal", Set.of("once_dedup_records_unguarded"));
    }

    // By rule or panel, the names its expression selects that no app exports.
    private static Map<String, Set<String>> unexported(Map<String, String> expressions) {
        Map<String, Set<String>> missing = new TreeMap<>();
        expressions.forEach((where, expression) -> {
            Set<String> names = new TreeSet<>(PromQlMetricNames.in(expression));
            names.removeAll(exported);
            names.removeAll(ExportedMetrics.PROMETHEUS_OWN);
            if (!names.isEmpty()) {
                missing.put(where, names);
            }
        });
        return missing;
    }
}

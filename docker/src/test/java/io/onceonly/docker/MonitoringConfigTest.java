package io.onceonly.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.Test;

/**
 * Keeps the monitoring profile true to compose.yaml without a Docker engine: Prometheus scrapes
 * each service of the connector and the dedup app on the port it listens on (every dedup replica),
 * reads the files that are mounted, the monitoring services are pinned, local and without a default
 * password, every alert says how long, how bad and what to do, and every panel queries the
 * provisioned data source. The second half shows each rule failing. Whether the metrics named exist
 * is {@link MonitoringMetricsIT}'s question.
 */
class MonitoringConfigTest {

    private static final Path DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final MonitoringFiles FILES = new MonitoringFiles(DIR);
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void prometheusScrapesTheConnectorAndEveryDedupReplicaOnTheirPorts() {
        assertThat(MonitoringRules.scrapeTargets(ComposeFile.read(DIR.resolve("compose.yaml")), FILES.prometheus())).isEmpty();
        assertThat(MonitoringRules.scrapeTargets(ComposeFile.read(DIR.resolve("compose.yaml"), DIR.resolve("compose.three-brokers.yaml")),
                FILES.prometheus())).isEmpty();
    }

    @Test
    void theMonitoringServicesArePinnedLocalWithoutADefaultPasswordAndReadTheirMountedFiles() {
        assertThat(MonitoringRules.monitoringServices(ComposeFile.read(DIR.resolve("compose.yaml")), FILES.prometheus())).isEmpty();
    }

    @Test
    void everyAlertSaysHowLongHowBadAndWhatToDo() {
        assertThat(FILES.alertExpressions()).isNotEmpty();
        assertThat(MonitoringRules.alertRules(FILES.alerts())).isEmpty();
    }

    @Test
    void everyPanelQueriesTheProvisionedDataSource() {
        Set<String> uids = new HashSet<>();
        MonitoringFiles.yaml(FILES.datasources().resolve("prometheus.yml")).path("datasources").forEach(d -> uids.add(d.path("uid").asText()));

        assertThat(FILES.dashboardExpressions()).isNotEmpty();
        assertThat(MonitoringRules.dashboards(FILES.dashboardFiles(), uids)).isEmpty();
    }

    @Test
    void aTargetOnAnotherPortIsReported() throws IOException {
        JsonNode prometheus = YAML.readTree(FILES.prometheusConfig().toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) prometheus.path("scrape_configs").get(0).path("static_configs").get(0))
                .putArray("targets").add("connector:9999");

        assertThat(MonitoringRules.scrapeTargets(ComposeFile.read(DIR.resolve("compose.yaml")), prometheus)).singleElement().asString()
                .contains("job once-connector", "connector:9999", "listens on 8083");
    }

    @Test
    void aDedupServiceNobodyScrapesAndAStaticTargetForAScalableAppAreReported() throws IOException {
        JsonNode prometheus = YAML.readTree("""
                scrape_configs:
                  - job_name: once-connector
                    static_configs:
                      - targets: ["connector:8083", "dedup:8084"]
                """);

        assertThat(MonitoringRules.scrapeTargets(ComposeFile.read(DIR.resolve("compose.yaml")), prometheus)).singleElement().asString()
                .contains("dedup scales", "dns_sd_configs");
        JsonNode connectorOnly = YAML.readTree("""
                scrape_configs:
                  - job_name: once-connector
                    static_configs:
                      - targets: ["connector:8083"]
                """);
        assertThat(MonitoringRules.scrapeTargets(ComposeFile.read(DIR.resolve("compose.yaml")), connectorOnly)).singleElement().asString()
                .contains("service dedup runs dedup-streams", "no job scrapes it");
    }

    @Test
    void aLatestImageAPortOnEveryInterfaceAndADefaultPasswordAreReported() {
        ComposeFile compose = ComposeFile.parse("""
                services:
                  prometheus:
                    image: prom/prometheus:latest
                    profiles: ["monitoring"]
                    volumes:
                      - ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro
                  grafana:
                    image: grafana/grafana:12.1.1
                    profiles: ["monitoring"]
                    environment:
                      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:-admin}
                    ports:
                      - "3000:3000"
                """, DIR);

        assertThat(MonitoringRules.monitoringServices(compose, FILES.prometheus())).satisfiesExactlyInAnyOrder(
                problem -> assertThat(problem).contains("service prometheus", "prom/prometheus:latest is not pinned"),
                problem -> assertThat(problem).contains("service prometheus", "reads /etc/prometheus/alerts.yml, which no volume mounts"),
                problem -> assertThat(problem).contains("service grafana", "3000:3000 is published on every interface"),
                problem -> assertThat(problem).contains("service grafana", "GF_SECURITY_ADMIN_PASSWORD has a default (admin)"));
    }

    @Test
    void anAlertWithoutForSeverityOrDescriptionIsReported() throws IOException {
        JsonNode rules = YAML.readTree("""
                groups:
                  - name: g
                    rules:
                      - alert: Bare
                        expr: up == 0
                        labels:
                          severity: page
                        annotations:
                          summary: down
                """);

        assertThat(MonitoringRules.alertRules(rules)).satisfiesExactlyInAnyOrder(
                problem -> assertThat(problem).contains("Bare", "no for"),
                problem -> assertThat(problem).contains("Bare", "severity must be one of"),
                problem -> assertThat(problem).contains("Bare", "no description annotation"));
    }

    @Test
    void aPanelOnAnotherDataSourceIsReported() throws IOException {
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"panels": [{"title": "Lag", "datasource": {"uid": "elsewhere"}, "targets": [{"refId": "A", "expr": "x"}]}]}
                """);

        assertThat(MonitoringRules.dashboards(Map.of("d.json", dashboard), Set.of("once-prometheus"))).singleElement().asString()
                .contains("d.json, panel Lag [A]", "data source elsewhere is not provisioned");
    }
}

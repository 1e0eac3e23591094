package io.onceonly.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The monitoring files of docker/: Prometheus' configuration and alert rules, Grafana's
 * provisioning and dashboards, read as trees.
 */
record MonitoringFiles(Path directory) {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    Path prometheusConfig() {
        return directory.resolve("prometheus/prometheus.yml");
    }

    Path alertRules() {
        return directory.resolve("prometheus/alerts.yml");
    }

    Path dashboards() {
        return directory.resolve("grafana/dashboards");
    }

    Path datasources() {
        return directory.resolve("grafana/provisioning/datasources");
    }

    JsonNode prometheus() {
        return yaml(prometheusConfig());
    }

    JsonNode alerts() {
        return yaml(alertRules());
    }

    /** Each alert's expression, by alert name. */
    Map<String, String> alertExpressions() {
        return alertExpressions(alerts());
    }

    static Map<String, String> alertExpressions(JsonNode rules) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.get("alert").asText() : "record " + rule.path("record").asText();
                expressions.put(name, rule.path("expr").asText());
            }
        }
        return expressions;
    }

    /** Every dashboard JSON file, parsed, by file name. */
    Map<String, JsonNode> dashboardFiles() {
        Map<String, JsonNode> dashboards = new LinkedHashMap<>();
        try (var files = Files.list(dashboards())) {
            files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> dashboards.put(f.getFileName().toString(), json(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dashboards;
    }

    /** Each panel query's expression, by dashboard file, panel title and query id. */
    Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        dashboardFiles().forEach((file, dashboard) -> expressions.putAll(dashboardExpressions(file, dashboard)));
        return expressions;
    }

    static Map<String, String> dashboardExpressions(String file, JsonNode dashboard) {
        Map<String, String> expressions = new LinkedHashMap<>();
        collectPanels(file, dashboard.path("panels"), expressions);
        return expressions;
    }

    // Rows may hold their panels (collapsed rows do).
    private static void collectPanels(String file, JsonNode panels, Map<String, String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(file + ": " + panel.path("title").asText() + " [" + target.path("refId").asText() + "]",
                        target.path("expr").asText());
            }
            collectPanels(file, panel.path("panels"), expressions);
        }
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

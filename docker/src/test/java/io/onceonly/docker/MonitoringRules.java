package io.onceonly.docker;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.runtime.AppOptions;

/**
 * What must hold for the monitoring profile of a Compose file to watch the apps it runs: each rule
 * returns the problems it finds, one sentence each, naming the file or service and what to do.
 */
final class MonitoringRules {

    static final String PROFILE = "monitoring";
    static final Set<String> SEVERITIES = Set.of("warning", "critical");
    /** The apps whose metrics the alerts and the dashboard are about: each of their services must be scraped. */
    static final Set<DeployableApp> WATCHED = EnumSet.of(DeployableApp.OUTBOX_CONNECTOR, DeployableApp.DEDUP_STREAMS);

    private static final String PROMETHEUS_IMAGE = "prom/prometheus";
    private static final String GRAFANA_PASSWORD = "GF_SECURITY_ADMIN_PASSWORD";

    private MonitoringRules() {
    }

    /** A host and port Prometheus scrapes, and whether it finds every address of the host's name (DNS discovery). */
    record Target(String job, String host, int port, boolean everyAddress) {
    }

    /**
     * Every scrape target is a service of the Compose file that runs one of Once's apps, on the
     * port that app listens on; every service of a watched app is scraped, a scalable one through
     * DNS discovery so that each replica is.
     */
    static List<String> scrapeTargets(ComposeFile compose, JsonNode prometheus) {
        List<String> problems = new ArrayList<>();
        Map<String, ComposeService> services = compose.services();
        Set<String> scraped = new HashSet<>();
        for (Target target : targets(prometheus)) {
            ComposeService service = services.get(target.host());
            Optional<DeployableApp> app = service == null ? Optional.empty() : ComposeRules.appOf(service);
            if (app.isEmpty()) {
                problems.add("prometheus.yml, job " + target.job() + ": " + target.host() + " is no service of the Compose file that"
                        + " runs one of Once's apps; name the service (" + String.join(", ", services.keySet()) + ")");
                continue;
            }
            scraped.add(service.name());
            int port = app.get().httpPort(httpPortOption(service, app.get()));
            if (target.port() != port) {
                problems.add("prometheus.yml, job " + target.job() + ": scrapes " + target.host() + ":" + target.port() + ", but "
                        + app.get().module() + " in service " + service.name() + " listens on " + port);
            }
            if (app.get().scalable() && !target.everyAddress()) {
                problems.add("prometheus.yml, job " + target.job() + ": " + service.name() + " scales, and a static target reaches one"
                        + " replica; use dns_sd_configs with names: [\"" + service.name() + "\"], type: A, port: " + port);
            }
        }
        for (ComposeService service : services.values()) {
            if (ComposeRules.appOf(service).filter(WATCHED::contains).isPresent() && !scraped.contains(service.name())) {
                problems.add("prometheus.yml: service " + service.name() + " runs " + ComposeRules.appOf(service).get().module()
                        + ", which the alerts and the dashboard watch, but no job scrapes it");
            }
        }
        return problems;
    }

    /**
     * The services of the monitoring profile: only in that profile, images pinned to a version,
     * ports published on 127.0.0.1 only, no default Grafana password; Prometheus' configuration
     * and every rule file it names mounted where it reads them.
     */
    static List<String> monitoringServices(ComposeFile compose, JsonNode prometheus) {
        List<String> problems = new ArrayList<>();
        boolean anyPrometheus = false;
        for (ComposeService service : compose.services().values()) {
            List<String> profiles = new ArrayList<>();
            service.node().path("profiles").forEach(p -> profiles.add(p.asText()));
            if (!profiles.contains(PROFILE)) {
                continue;
            }
            String image = service.image().orElse("");
            int colon = image.lastIndexOf(':');
            if (colon < 0 || image.substring(colon + 1).equals("latest")) {
                problems.add("service " + service.name() + ": image " + image + " is not pinned; name a version (" + image.replaceAll(":.*", "")
                        + ":<version>)");
            }
            for (JsonNode port : service.node().path("ports")) {
                String hostIp = port.isObject() ? port.path("host_ip").asText("") : Interpolation.withDefaults(port.asText()).split(":")[0];
                if (!hostIp.equals("127.0.0.1")) {
                    problems.add("service " + service.name() + ": port " + (port.isObject() ? port.path("target").asText() : port.asText())
                            + " is published on every interface; bind it to 127.0.0.1 as the other services do");
                }
            }
            String password = service.environment().get(GRAFANA_PASSWORD);
            if (service.environment().containsKey(GRAFANA_PASSWORD) && password != null && !password.isEmpty()) {
                problems.add("service " + service.name() + ": " + GRAFANA_PASSWORD + " has a default (" + password + "); take it from a"
                        + " variable without one and refuse to start when it is empty");
            }
            if (image.startsWith(PROMETHEUS_IMAGE + ":")) {
                anyPrometheus = true;
                problems.addAll(prometheusMounts(service, prometheus));
            }
        }
        if (!anyPrometheus) {
            problems.add("no service of profile " + PROFILE + " runs " + PROMETHEUS_IMAGE);
        }
        return problems;
    }

    private static List<String> prometheusMounts(ComposeService service, JsonNode prometheus) {
        List<String> problems = new ArrayList<>();
        Set<String> mounted = new HashSet<>();
        service.volumes().forEach(m -> mounted.add(m.target()));
        List<String> read = new ArrayList<>(List.of("/etc/prometheus/prometheus.yml"));
        for (JsonNode word : service.node().path("command")) {
            if (word.asText().startsWith("--config.file=")) {
                read.set(0, word.asText().substring("--config.file=".length()));
            }
        }
        prometheus.path("rule_files").forEach(file -> read.add(file.asText()));
        read.stream().filter(file -> !mounted.contains(file)).forEach(file -> problems.add("service " + service.name()
                + ": Prometheus reads " + file + ", which no volume mounts"));
        return problems;
    }

    /** Each alert has an expression, a {@code for}, a severity of {@link #SEVERITIES} and a summary and description. */
    static List<String> alertRules(JsonNode rules) {
        List<String> problems = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (!rule.has("alert")) {
                    continue;
                }
                String name = "alerts.yml, " + rule.get("alert").asText() + ": ";
                if (rule.path("expr").asText().isBlank()) {
                    problems.add(name + "no expr");
                }
                if (!rule.has("for")) {
                    problems.add(name + "no for: say how long the condition must hold (for: 0m to fire at once)");
                }
                if (!SEVERITIES.contains(rule.path("labels").path("severity").asText())) {
                    problems.add(name + "labels.severity must be one of " + SEVERITIES);
                }
                for (String annotation : List.of("summary", "description")) {
                    if (rule.path("annotations").path(annotation).asText().isBlank()) {
                        problems.add(name + "no " + annotation + " annotation: say what it means and what to do");
                    }
                }
            }
        }
        return problems;
    }

    /** Every panel query of the dashboards has an expression and names a provisioned data source. */
    static List<String> dashboards(Map<String, JsonNode> dashboards, Set<String> datasourceUids) {
        List<String> problems = new ArrayList<>();
        dashboards.forEach((file, dashboard) -> checkPanels(file, dashboard.path("panels"), datasourceUids, problems));
        return problems;
    }

    private static void checkPanels(String file, JsonNode panels, Set<String> uids, List<String> problems) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String where = file + ", panel " + panel.path("title").asText() + " [" + target.path("refId").asText() + "]: ";
                if (target.path("expr").asText().isBlank()) {
                    problems.add(where + "no expr");
                }
                String uid = target.path("datasource").path("uid").asText(panel.path("datasource").path("uid").asText());
                if (!uids.contains(uid)) {
                    problems.add(where + "data source " + uid + " is not provisioned (" + uids + ")");
                }
            }
            checkPanels(file, panel.path("panels"), uids, problems);
        }
    }

    private static List<Target> targets(JsonNode prometheus) {
        List<Target> targets = new ArrayList<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            for (JsonNode config : job.path("static_configs")) {
                for (JsonNode target : config.path("targets")) {
                    String[] hostPort = target.asText().split(":");
                    targets.add(new Target(name, hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 80, false));
                }
            }
            for (JsonNode config : job.path("dns_sd_configs")) {
                for (JsonNode host : config.path("names")) {
                    targets.add(new Target(name, host.asText(), config.path("port").asInt(-1), true));
                }
            }
        }
        return targets;
    }

    private static Map<String, String> httpPortOption(ComposeService service, DeployableApp app) {
        Map<String, String> options = new LinkedHashMap<>();
        String value = service.environment().get(AppOptions.envName(app.httpPortOption()));
        if (value != null) {
            options.put(app.httpPortOption(), value);
        }
        return options;
    }
}

package io.onceonly.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.EffectiveConfig;

/**
 * What must hold for the apps of a Compose file to start as written: each rule returns the
 * problems it finds, one sentence each, naming the service, what is wrong and what to do.
 * An app service is one built with a {@code MODULE} build argument (docker/Dockerfile).
 */
final class ComposeRules {

    // ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
    private static final Pattern SECRET_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
    private static final Pattern HEALTH_URL = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1|\\[::1]):(\\d+)/health\\b");

    private ComposeRules() {
    }

    /** Every rule, on every service. */
    static List<String> check(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        problems.addAll(appOptions(compose));
        problems.addAll(healthChecks(compose));
        problems.addAll(scaling(compose));
        problems.addAll(BrokerRules.check(compose));
        problems.addAll(buildInputs(compose));
        problems.addAll(secrets(compose));
        return problems;
    }

    /**
     * No secret has a value written in the file: a variable named like a password, token or key
     * ({@link EffectiveConfig#isSecret}) is required with {@code ${NAME:?message naming NAME}}, so
     * Compose refuses to start without it and says which; only an empty default is allowed, for a
     * service that checks it itself (Grafana's profile).
     */
    static List<String> secrets(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            service.rawEnvironment().forEach((name, value) -> {
                if (value == null) {
                    return;
                }
                Matcher reference = SECRET_REFERENCE.matcher(value);
                boolean referenced = false;
                while (reference.find()) {
                    String variable = reference.group(1);
                    if (!EffectiveConfig.isSecret(variable.toLowerCase(Locale.ROOT)) && !EffectiveConfig.isSecret(name.toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    referenced = true;
                    String operator = reference.group(2);
                    String rest = reference.group(3);
                    if (operator == null) {
                        problems.add("service " + service.name() + ": " + name + " takes ${" + variable + "} without a check; write ${"
                                + variable + ":?set " + variable + "} so that Compose refuses to start without it and says which");
                    } else if (operator.endsWith("-") && !rest.isEmpty()) {
                        problems.add("service " + service.name() + ": " + name + " has a default secret (${" + variable + operator
                                + "...}); write ${" + variable + ":?set " + variable + "}: a password written in the file is everyone's");
                    } else if (operator.endsWith("?") && !rest.contains(variable)) {
                        problems.add("service " + service.name() + ": the message of ${" + variable + ":?...} does not name " + variable
                                + "; the operator reads only that message");
                    }
                }
                if (!referenced && EffectiveConfig.isSecret(name.toLowerCase(Locale.ROOT)) && !value.isEmpty()) {
                    problems.add("service " + service.name() + ": " + name + " is a secret written in the file; take it from a"
                            + " variable: ${" + name + ":?set " + name + "}");
                }
            });
        }
        return problems;
    }

    /**
     * Every {@code ONCE_*} variable of an app service names an option that app takes, and the
     * app's own parser accepts the lot (types, ranges, required options); no other service has any.
     */
    static List<String> appOptions(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            Optional<DeployableApp> app = appOf(service);
            service.buildModule().filter(module -> app.isEmpty()).ifPresent(module -> problems.add("service " + service.name()
                    + ": MODULE=" + module + " is no app these checks know; add it to DeployableApp with its option definition"));
            Map<String, String> onceVariables = new LinkedHashMap<>();
            service.environment().forEach((name, value) -> {
                if (name.startsWith(AppOptions.ENV_PREFIX)) {
                    onceVariables.put(name, value);
                } else if (name.toUpperCase(Locale.ROOT).startsWith(AppOptions.ENV_PREFIX)) {
                    problems.add("service " + service.name() + ": " + name + " is never read: the apps read variables that start"
                            + " with " + AppOptions.ENV_PREFIX + " exactly; write " + name.toUpperCase(Locale.ROOT));
                }
            });
            if (app.isEmpty()) {
                if (!onceVariables.isEmpty() && service.buildModule().isEmpty()) {
                    problems.add("service " + service.name() + ": " + String.join(", ", onceVariables.keySet()) + " mean nothing"
                            + " here: only Once's apps read " + AppOptions.ENV_PREFIX + "* variables, and this service is none of them");
                }
                continue;
            }
            problems.addAll(optionsOf(service, app.get(), onceVariables));
        }
        return problems;
    }

    /**
     * Each app's health check calls {@code /health} on the port the app listens on (its
     * {@code ONCE_HTTP_PORT}, else the option's default), and the service exposes that port.
     */
    static List<String> healthChecks(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            Optional<DeployableApp> app = appOf(service);
            if (app.isEmpty()) {
                continue;
            }
            Optional<Integer> port = listeningPort(service, app.get(), problems);
            if (port.isEmpty()) {
                continue;
            }
            String portSource = service.environment().containsKey(AppOptions.envName(app.get().httpPortOption()))
                    ? AppOptions.envName(app.get().httpPortOption()) : "the default of " + app.get().httpPortOption();
            Optional<String> check = service.healthCheck();
            if (check.isEmpty()) {
                problems.add("service " + service.name() + ": no health check; add test: [\"CMD\", \"curl\", \"-fsS\", \"-o\","
                        + " \"/dev/null\", \"http://localhost:" + port.get() + "/health\"]");
            } else {
                Matcher url = HEALTH_URL.matcher(check.get());
                if (!url.find()) {
                    problems.add("service " + service.name() + ": the health check does not call http://localhost:" + port.get()
                            + "/health (it runs: " + check.get() + ")");
                } else if (Integer.parseInt(url.group(1)) != port.get()) {
                    problems.add("service " + service.name() + ": the health check calls port " + url.group(1) + ", but "
                            + app.get().module() + " listens on " + port.get() + " (" + portSource + ")");
                }
            }
            boolean exposed = service.exposed().contains(port.get())
                    || service.ports().stream().anyMatch(p -> p.target() == port.get());
            if (!exposed) {
                problems.add("service " + service.name() + ": " + app.get().module() + " listens on " + port.get() + " ("
                        + portSource + "), but the service neither exposes nor publishes container port " + port.get());
            }
        }
        return problems;
    }

    /**
     * A scalable app ({@code docker compose up --scale}) has no container name, no fixed host
     * port, and its state directory on a volume of its own per replica.
     */
    static List<String> scaling(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            Optional<DeployableApp> app = appOf(service);
            if (app.isEmpty() || !app.get().scalable()) {
                continue;
            }
            String scale = "docker compose up --scale " + service.name() + "=N";
            service.containerName().ifPresent(name -> problems.add("service " + service.name() + ": container_name " + name
                    + " breaks " + scale + " (container names are unique); remove it"));
            service.ports().stream().filter(ComposeService.Port::fixedOnHost).forEach(port -> problems.add("service "
                    + service.name() + ": host port " + port.published() + " is fixed, so a second replica cannot start ("
                    + scale + "); publish the container port alone (- target: " + port.target() + ")"));
            String stateDirVariable = AppOptions.envName(app.get().stateDirOption());
            String stateDir = service.environment().get(stateDirVariable);
            if (stateDir == null || !stateDir.startsWith("/")) {
                problems.add("service " + service.name() + ": set " + stateDirVariable + " to an absolute path on a volume of"
                        + " each replica's own, so that a restart resumes from local state");
                continue;
            }
            Optional<ComposeService.Mount> mount = service.volumes().stream()
                    .filter(m -> stateDir.equals(m.target()) || stateDir.startsWith(m.target().endsWith("/") ? m.target() : m.target() + "/"))
                    .findFirst();
            if (mount.isEmpty()) {
                problems.add("service " + service.name() + ": " + stateDirVariable + "=" + stateDir + " is on no volume: every"
                        + " restart rebuilds the store from its changelog; mount an anonymous volume there (- " + stateDir + ")");
            } else if (!mount.get().anonymous()) {
                problems.add("service " + service.name() + ": " + stateDirVariable + "=" + stateDir + " is on " + mount.get().source()
                        + ", which every replica would share, and Kafka Streams locks its state directory; use an anonymous"
                        + " volume (- " + mount.get().target() + "), one per replica");
            }
        }
        return problems;
    }

    /**
     * What the build and the mounts read exists: bind-mounted files, the build context and
     * Dockerfile, each app module's runnable jar as its pom names it, and that jar let through
     * the Dockerfile's .dockerignore.
     */
    static List<String> buildInputs(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            for (ComposeService.Mount mount : service.volumes()) {
                if (mount.bind() && !Files.exists(compose.directory().resolve(mount.source()).normalize())) {
                    problems.add("service " + service.name() + ": the mounted " + mount.source() + " does not exist");
                }
            }
            Optional<DeployableApp> app = appOf(service);
            if (service.buildContext().isEmpty() || app.isEmpty()) {
                continue;
            }
            Path context = compose.directory().resolve(service.buildContext().get()).normalize();
            Path dockerfile = context.resolve(service.dockerfile()).normalize();
            String module = app.get().module();
            String jar = module + "/target/" + module + ".jar";
            if (!Files.isRegularFile(dockerfile)) {
                problems.add("service " + service.name() + ": the Dockerfile " + dockerfile + " does not exist");
                continue;
            }
            if (!text(context.resolve(module).resolve("pom.xml")).contains("<outputFile>${project.build.directory}/" + module + ".jar</outputFile>")) {
                problems.add("service " + service.name() + ": " + module + "/pom.xml does not shade the runnable jar to " + jar
                        + ", which the Dockerfile copies");
            }
            Path ignore = Path.of(dockerfile + ".dockerignore");
            if (!text(ignore).lines().map(String::strip).toList().contains("!" + jar)) {
                problems.add("service " + service.name() + ": " + ignore.getFileName() + " keeps " + jar
                        + " out of the build context; add the line !" + jar);
            }
        }
        return problems;
    }

    // The app a service runs: the one its MODULE build argument (and, for a jar of several apps, its command) names.
    static Optional<DeployableApp> appOf(ComposeService service) {
        return service.buildModule().flatMap(module -> DeployableApp.of(module, service.command()));
    }

    private static List<String> optionsOf(ComposeService service, DeployableApp app, Map<String, String> onceVariables) {
        List<String> problems = new ArrayList<>();
        String listOptions = "see " + app.listOptionsCommand(service.name());
        Map<String, String> env = new LinkedHashMap<>();
        onceVariables.forEach((variable, value) -> {
            if (variable.equals(AppOptions.CONFIG_FILE_ENV)) {
                problems.add("service " + service.name() + ": " + variable + " points " + app.module() + " at a properties file"
                        + " these checks cannot read; give each option as its own " + AppOptions.ENV_PREFIX + "* variable");
                return;
            }
            String option = AppOptions.optionName(variable);
            if (!app.accepts(option)) {
                String fix = app.closestOption(option)
                        .map(near -> "did you mean " + AppOptions.envName(near) + " (" + near + ")? ")
                        .orElse("it is none of its own options nor under " + app.passThroughFamilies() + "; ");
                problems.add("service " + service.name() + ": " + variable + " sets option " + option + ", which " + app.module()
                        + " does not take (it stops with exit code 2); " + fix + listOptions);
            } else if (value != null) {
                env.put(variable, value);
            }
        });
        if (problems.isEmpty()) {
            try {
                app.parse(AppOptions.load(new String[0], env));
            } catch (ConfigException | IllegalArgumentException e) {
                problems.add("service " + service.name() + ": " + app.module() + " refuses its configuration: " + e.getMessage()
                        + "; " + listOptions);
            }
        }
        return problems;
    }

    // The fixed port /health is served on, or a problem when there is none.
    private static Optional<Integer> listeningPort(ComposeService service, DeployableApp app, List<String> problems) {
        String variable = AppOptions.envName(app.httpPortOption());
        Map<String, String> options = new LinkedHashMap<>();
        String value = service.environment().get(variable);
        if (value != null) {
            options.put(app.httpPortOption(), value);
        }
        int port;
        try {
            port = app.httpPort(options);
        } catch (NumberFormatException e) {
            problems.add("service " + service.name() + ": " + variable + "=" + value + " is not a port number");
            return Optional.empty();
        }
        if (port <= 0) {
            problems.add("service " + service.name() + ": " + variable + "=" + port + (port == 0 ? " picks a random port" : " turns"
                    + " /health off") + "; the health check needs a fixed port");
            return Optional.empty();
        }
        return Optional.of(port);
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}

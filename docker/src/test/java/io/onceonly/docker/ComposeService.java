package io.onceonly.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One service of a Compose file, in both the short and the long syntax Compose accepts, with
 * variables replaced by their defaults ({@link Interpolation}).
 */
record ComposeService(String name, JsonNode node) {

    /** A container port and the host port it is published on; {@code published} is empty when Docker picks a free one. */
    record Port(int target, String published) {
        boolean fixedOnHost() {
            return !published.isEmpty();
        }
    }

    /** A mount: {@code source} is empty for an anonymous volume, a path for a bind mount, else a named volume. */
    record Mount(String source, String target) {
        boolean anonymous() {
            return source.isEmpty();
        }

        boolean bind() {
            return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
        }
    }

    /** Environment variables by name; a variable listed without a value (taken from the shell) maps to null. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        node.path("environment").properties().forEach(e ->
                env.put(e.getKey(), e.getValue().isNull() ? null : Interpolation.withDefaults(e.getValue().asText())));
        return env;
    }

    /** Environment variables by name as written, variable references not substituted. */
    Map<String, String> rawEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        node.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return env;
    }

    /** The {@code MODULE} build argument, when the service is built from a Dockerfile with one. */
    Optional<String> buildModule() {
        JsonNode module = node.path("build").path("args").path("MODULE");
        return module.isMissingNode() || module.isNull() ? Optional.empty() : Optional.of(Interpolation.withDefaults(module.asText()));
    }

    /** The first word of the service's {@code command}, when it has one: which app of a jar to run. */
    Optional<String> command() {
        JsonNode command = node.path("command");
        if (command.isArray() && !command.isEmpty()) {
            return Optional.of(command.get(0).asText());
        }
        return command.isTextual() && !command.asText().isBlank() ? Optional.of(command.asText().strip().split("\\s+")[0]) : Optional.empty();
    }

    /** The build context directory as written, when the service is built. */
    Optional<String> buildContext() {
        JsonNode build = node.path("build");
        if (build.isTextual()) {
            return Optional.of(build.asText());
        }
        return build.isObject() ? Optional.of(build.path("context").asText(".")) : Optional.empty();
    }

    /** The Dockerfile path relative to the build context. */
    String dockerfile() {
        return node.path("build").path("dockerfile").asText("Dockerfile");
    }

    Optional<String> image() {
        return node.hasNonNull("image") ? Optional.of(Interpolation.withDefaults(node.get("image").asText())) : Optional.empty();
    }

    Optional<String> containerName() {
        return node.hasNonNull("container_name") ? Optional.of(node.get("container_name").asText()) : Optional.empty();
    }

    /** Published ports: {@code "[ip:][host:]container[/proto]"} or the long form with target and published. */
    List<Port> ports() {
        List<Port> ports = new ArrayList<>();
        for (JsonNode entry : node.path("ports")) {
            if (entry.isObject()) {
                ports.add(new Port(firstPort(entry.path("target").asText()), Interpolation.withDefaults(entry.path("published").asText(""))));
                continue;
            }
            String spec = Interpolation.withDefaults(entry.asText());
            int slash = spec.indexOf('/');
            String[] parts = (slash < 0 ? spec : spec.substring(0, slash)).split(":", -1);
            String container = parts[parts.length - 1];
            String host = parts.length >= 2 ? parts[parts.length - 2] : "";
            ports.add(new Port(firstPort(container), host));
        }
        return ports;
    }

    /** Container ports listed under {@code expose}. */
    List<Integer> exposed() {
        List<Integer> exposed = new ArrayList<>();
        node.path("expose").forEach(port -> exposed.add(firstPort(Interpolation.withDefaults(port.asText()).replaceAll("/.*", ""))));
        return exposed;
    }

    /** Mounts under {@code volumes}, short ({@code source:target[:mode]} or a lone target) or long syntax. */
    List<Mount> volumes() {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode entry : node.path("volumes")) {
            if (entry.isObject()) {
                mounts.add(new Mount(Interpolation.withDefaults(entry.path("source").asText("")), entry.path("target").asText()));
                continue;
            }
            String[] parts = Interpolation.withDefaults(entry.asText()).split(":");
            mounts.add(parts.length == 1 ? new Mount("", parts[0]) : new Mount(parts[0], parts[1]));
        }
        return mounts;
    }

    /** The health check command as one line, empty when there is none or it is disabled. */
    Optional<String> healthCheck() {
        JsonNode check = node.path("healthcheck");
        if (check.path("disable").asBoolean(false) || check.path("test").isMissingNode()) {
            return Optional.empty();
        }
        JsonNode test = check.get("test");
        if (test.isTextual()) {
            return Optional.of(test.asText());
        }
        List<String> words = new ArrayList<>();
        test.forEach(word -> words.add(word.asText()));
        return words.isEmpty() || words.get(0).equals("NONE") ? Optional.empty() : Optional.of(String.join(" ", words));
    }

    // "8084" or a range "8000-8010": its first port; -1 when it is not a number.
    private static int firstPort(String text) {
        String first = text.strip().split("-")[0];
        try {
            return Integer.parseInt(first);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

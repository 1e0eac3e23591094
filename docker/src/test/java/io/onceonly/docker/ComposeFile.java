package io.onceonly.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * A Compose file, read as far as the checks need: its services. Several files are combined the
 * way {@code docker compose -f a.yaml -f b.yaml} combines them: mappings merged key by key,
 * the lists Compose appends (ports, volumes, ...) appended, everything else replaced.
 */
final class ComposeFile {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> APPENDED_LISTS = Set.of("ports", "expose", "volumes", "env_file", "extra_hosts", "dns");

    private final Path directory;
    private final ObjectNode root;

    private ComposeFile(Path directory, ObjectNode root) {
        this.directory = directory;
        this.root = root;
    }

    /** Reads {@code files} in order, later ones overriding; relative paths resolve against the first file's directory. */
    static ComposeFile read(Path... files) {
        ComposeFile combined = null;
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
            }
            ComposeFile next = parse(text, file.toAbsolutePath().getParent());
            combined = combined == null ? next : combined.overriddenBy(next);
        }
        return combined;
    }

    /** Parses YAML text as if it were a file in {@code directory}. */
    static ComposeFile parse(String yaml, Path directory) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("not a YAML document: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject() || !tree.path("services").isObject()) {
            throw new IllegalArgumentException("not a Compose file: no services mapping");
        }
        ObjectNode root = (ObjectNode) tree;
        root.path("services").properties().forEach(service -> normaliseEnvironment(service.getValue()));
        return new ComposeFile(directory, root);
    }

    /** This file with {@code override} laid over it. */
    ComposeFile overriddenBy(ComposeFile override) {
        ObjectNode merged = root.deepCopy();
        merge(merged, override.root);
        return new ComposeFile(directory, merged);
    }

    /** The services, in file order. */
    Map<String, ComposeService> services() {
        Map<String, ComposeService> services = new LinkedHashMap<>();
        root.path("services").properties().forEach(e -> services.put(e.getKey(), new ComposeService(e.getKey(), e.getValue())));
        return services;
    }

    /** The directory relative paths in the file resolve against. */
    Path directory() {
        return directory;
    }

    // environment may be a list of NAME=value; as a mapping it merges by name, as Compose does.
    private static void normaliseEnvironment(JsonNode service) {
        JsonNode environment = service.path("environment");
        if (!environment.isArray() || !service.isObject()) {
            return;
        }
        ObjectNode asMap = JsonNodeFactory.instance.objectNode();
        for (JsonNode entry : environment) {
            String text = entry.asText();
            int eq = text.indexOf('=');
            if (eq < 0) {
                asMap.putNull(text);
            } else {
                asMap.put(text.substring(0, eq), text.substring(eq + 1));
            }
        }
        ((ObjectNode) service).set("environment", asMap);
    }

    private static void merge(ObjectNode base, JsonNode override) {
        for (Map.Entry<String, JsonNode> field : override.properties()) {
            JsonNode current = base.get(field.getKey());
            JsonNode next = field.getValue();
            if (current instanceof ObjectNode && next.isObject()) {
                merge((ObjectNode) current, next);
            } else if (current instanceof ArrayNode && next.isArray() && APPENDED_LISTS.contains(field.getKey())) {
                ((ArrayNode) current).addAll((ArrayNode) next.deepCopy());
            } else {
                base.set(field.getKey(), next.deepCopy());
            }
        }
    }
}

package io.onceonly.dedup.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.contracts.wire.OutboxTopics;

/** Where the records of an input topic go: its output topic, its duplicates topic. */
public final class OutputTopics {

    private final String inputPrefix;
    private final String outputPrefix;
    private final Map<String, String> mapping;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public OutputTopics(String inputPrefix, String outputPrefix, Map<String, String> mapping) {
        this.inputPrefix = inputPrefix;
        this.outputPrefix = outputPrefix;
        this.mapping = Map.copyOf(mapping);
    }

    /**
     * Parses {@code input:output} pairs.
     *
     * @throws ConfigException naming the option and the bad entry
     */
    public static Map<String, String> parseMapping(String option, List<String> pairs) {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (String pair : pairs) {
            String[] parts = pair.strip().split(":");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException(option, pair, "each entry must be input:output, for example outbox.payment:card.issue-requests");
            }
            mapping.put(parts[0].strip(), parts[1].strip());
        }
        return mapping;
    }

    /** The output topic of {@code input}. */
    public String outputFor(String input) {
        return cache.computeIfAbsent(input, topic -> {
            String mapped = mapping.get(topic);
            if (mapped != null) {
                return mapped;
            }
            String base = topic.startsWith(inputPrefix) ? topic.substring(inputPrefix.length()) : topic;
            return outputPrefix + base;
        });
    }

    /** The duplicates topic of {@code input}'s output. */
    public String duplicatesFor(String input) {
        return OutboxTopics.duplicatesOf(outputFor(input));
    }

    /** Explicitly mapped outputs. */
    public Map<String, String> mapping() {
        return mapping;
    }

    /** The prefix of default output names. */
    public String outputPrefix() {
        return outputPrefix;
    }
}

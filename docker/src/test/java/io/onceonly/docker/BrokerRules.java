package io.onceonly.docker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.onceonly.runtime.AppOptions;

/**
 * What must hold for the Kafka brokers of a Compose file (services of the apache/kafka image)
 * to form one KRaft cluster fit for exactly-once, and for the apps to reach all of them.
 */
final class BrokerRules {

    /** Broker settings that must equal the replication factor: every topic's, and exactly-once's internal topics'. */
    static final List<String> REPLICATION_FACTORS = List.of("KAFKA_DEFAULT_REPLICATION_FACTOR",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR");
    /** Broker settings that must equal the min ISR: one less than the replication factor, at least 1. */
    static final List<String> MIN_ISRS = List.of("KAFKA_MIN_INSYNC_REPLICAS", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR");

    private static final String IMAGE = "apache/kafka";

    private BrokerRules() {
    }

    static List<String> check(ComposeFile compose) {
        Map<String, Map<String, String>> brokers = new LinkedHashMap<>();
        compose.services().values().stream()
                .filter(service -> service.image().map(image -> image.startsWith(IMAGE + ":")).orElse(false))
                .forEach(service -> brokers.put(service.name(), service.environment()));
        List<String> problems = new ArrayList<>();
        if (brokers.isEmpty()) {
            return problems;
        }
        problems.addAll(oneCluster(brokers));
        problems.addAll(replication(brokers));
        problems.addAll(bootstrap(compose, brokers));
        return problems;
    }

    /** The replication factor the exactly-once topics get with this many brokers. */
    static int replicationFactor(int brokers) {
        return Math.min(brokers, 3);
    }

    static int minIsr(int brokers) {
        return Math.max(1, replicationFactor(brokers) - 1);
    }

    // One cluster id, distinct node ids, and every node voting for the same controllers: all of them.
    private static List<String> oneCluster(Map<String, Map<String, String>> brokers) {
        List<String> problems = new ArrayList<>();
        String first = brokers.keySet().iterator().next();
        Set<String> nodeIds = new LinkedHashSet<>();
        Set<String> voters = new TreeSet<>();
        brokers.forEach((service, env) -> {
            if (!String.valueOf(env.get("CLUSTER_ID")).equals(String.valueOf(brokers.get(first).get("CLUSTER_ID")))) {
                problems.add("service " + service + ": CLUSTER_ID " + env.get("CLUSTER_ID") + " differs from " + first + "'s "
                        + brokers.get(first).get("CLUSTER_ID") + "; the nodes of one cluster share it");
            }
            if (!nodeIds.add(env.get("KAFKA_NODE_ID"))) {
                problems.add("service " + service + ": KAFKA_NODE_ID " + env.get("KAFKA_NODE_ID") + " is taken by another broker");
            }
            if (String.valueOf(env.get("KAFKA_PROCESS_ROLES")).contains("controller")) {
                voters.add(env.get("KAFKA_NODE_ID") + "@" + service + ":" + listenerPort(env, env.get("KAFKA_CONTROLLER_LISTENER_NAMES")));
            }
        });
        brokers.forEach((service, env) -> {
            Set<String> listed = new TreeSet<>(Arrays.asList(String.valueOf(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).split(",")));
            if (!listed.equals(voters)) {
                problems.add("service " + service + ": KAFKA_CONTROLLER_QUORUM_VOTERS=" + env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")
                        + " is not the controllers of this file: " + String.join(",", voters));
            }
        });
        return problems;
    }

    private static List<String> replication(Map<String, Map<String, String>> brokers) {
        List<String> problems = new ArrayList<>();
        String expected = Integer.toString(replicationFactor(brokers.size()));
        String expectedIsr = Integer.toString(minIsr(brokers.size()));
        String why = " with " + brokers.size() + " broker(s): replication factor " + expected + ", min ISR " + expectedIsr
                + " for every topic and for exactly-once's consumer offsets and transaction state";
        brokers.forEach((service, env) -> {
            REPLICATION_FACTORS.forEach(setting -> requireValue(problems, service, env, setting, expected, why));
            MIN_ISRS.forEach(setting -> requireValue(problems, service, env, setting, expectedIsr, why));
        });
        return problems;
    }

    // Each app lists every broker, so that it starts while any one of them is down, and nothing else.
    private static List<String> bootstrap(ComposeFile compose, Map<String, Map<String, String>> brokers) {
        Set<String> addresses = new TreeSet<>();
        brokers.forEach((service, env) -> addresses.add(service + ":" + listenerPort(env, env.get("KAFKA_INTER_BROKER_LISTENER_NAME"))));
        String variable = AppOptions.envName("kafka.bootstrap.servers");
        List<String> problems = new ArrayList<>();
        for (ComposeService service : compose.services().values()) {
            String value = service.environment().get(variable);
            if (service.buildModule().isEmpty() || value == null) {
                continue;
            }
            Set<String> listed = new TreeSet<>(Arrays.asList(value.replace(" ", "").split(",")));
            if (!listed.equals(addresses)) {
                problems.add("service " + service.name() + ": " + variable + "=" + value + " should list exactly the brokers of"
                        + " this file, " + String.join(",", addresses) + ", so that the app starts while any one is down");
            }
        }
        return problems;
    }

    private static void requireValue(List<String> problems, String service, Map<String, String> env, String setting,
                                     String expected, String why) {
        String actual = env.get(setting);
        if (!expected.equals(actual)) {
            problems.add("service " + service + ": " + setting + " is " + (actual == null ? "not set (Kafka's default applies)" : actual)
                    + "; set " + expected + why);
        }
    }

    // The port of the listener named `name` in KAFKA_LISTENERS (PLAINTEXT://:9092,CONTROLLER://:9093).
    private static String listenerPort(Map<String, String> env, String name) {
        for (String listener : String.valueOf(env.get("KAFKA_LISTENERS")).split(",")) {
            if (listener.startsWith(name + "://")) {
                return listener.substring(listener.lastIndexOf(':') + 1);
            }
        }
        return "?";
    }
}

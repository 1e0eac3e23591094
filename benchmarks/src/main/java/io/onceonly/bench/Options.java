package io.onceonly.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.stack.ServerStack;

/** Command-line options of the connector and the dedup app on the benchmark stack, one set per run. */
final class Options {

    private Options() {
    }

    /** The connector with its own slot, publication and offset topic. */
    static String[] connectorArgs(ServerStack stack, String slot, Map<String, String> settings) {
        return ConnectorSettings.of(stack.postgres().jdbcUrl(), stack.postgres().username(), stack.postgres().password(),
                        stack.kafka().bootstrapServers())
                .instance(slot)
                // Earlier figures leave their rows in the table; a new slot relays only what commits after it.
                .with(ConnectorOptions.SNAPSHOT_MODE, "no_data")
                .with(ConnectorOptions.HTTP_PORT, "-1")
                .withAll(settings)
                .args();
    }

    /** The dedup app as {@code application}, reading {@code input} and writing {@code output}. */
    static String[] dedupArgs(ServerStack stack, String application, String input, String output, String stateDir,
                              Map<String, String> settings) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        o.put("application.id", application);
        o.put("input.topics", input);
        o.put("output.mapping", input + ":" + output);
        o.put("state.dir", stateDir);
        o.put("http.port", "-1");
        o.putAll(settings);
        return args(o);
    }

    /** The settings a figure varied, as its rows name them: {@code defaults} when none. */
    static String describe(Map<String, String> settings) {
        return settings.isEmpty() ? "defaults" : settings.toString().replaceAll("[{}]", "");
    }

    private static String[] args(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args.toArray(new String[0]);
    }
}

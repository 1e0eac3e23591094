package io.onceonly.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.onceonly.testkit.TestStack;

/** Connector arguments for the benchmark stack: one slot, publication and offset topic per run. */
final class Options {

    private Options() {
    }

    static String[] connectorArgs(TestStack stack, String slot, Map<String, String> settings) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("database.url", stack.postgres().jdbcUrl());
        o.put("database.user", stack.postgres().username());
        o.put("database.password", stack.postgres().password());
        o.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        o.put("slot.name", slot);
        o.put("publication.name", slot);
        o.put("offset.storage.topic", "offsets-" + slot);
        o.put("heartbeat.table", "public.heartbeat_" + slot);
        o.put("http.port", "-1");
        o.put("name", slot);
        o.putAll(settings);
        List<String> args = new ArrayList<>();
        o.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args.toArray(new String[0]);
    }
}

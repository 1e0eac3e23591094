package io.onceonly.connector.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.onceonly.runtime.AppOptions;

/**
 * The connector's options as the code that starts a connector writes them (tests, the benchmarks,
 * the demo): named by the {@link ConnectorOptions} constants, so a renamed option breaks the build
 * instead of being ignored. Immutable: each {@code with} returns a copy.
 */
public final class ConnectorSettings {

    private final Map<String, String> options;

    private ConnectorSettings(Map<String, String> options) {
        this.options = Collections.unmodifiableMap(options);
    }

    /** The database to read and the broker to write to; every other option at its default. */
    public static ConnectorSettings of(String jdbcUrl, String user, String password, String bootstrapServers) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(ConnectorOptions.DATABASE_URL, jdbcUrl);
        o.put(ConnectorOptions.DATABASE_USER, user);
        o.put(ConnectorOptions.DATABASE_PASSWORD, password);
        o.put(ConnectorOptions.KAFKA_PREFIX + "bootstrap.servers", bootstrapServers);
        return new ConnectorSettings(o);
    }

    /** Options already written out, for example read back from {@link #options()} and changed. */
    public static ConnectorSettings of(Map<String, String> options) {
        return new ConnectorSettings(new LinkedHashMap<>(options));
    }

    /**
     * Names everything a connector owns after {@code id}: its slot, publication, offset topic,
     * heartbeat table and name, so that several connectors on one database and one broker do not
     * share any of them.
     */
    public ConnectorSettings instance(String id) {
        return with(ConnectorOptions.SLOT_NAME, id)
                .with(ConnectorOptions.PUBLICATION_NAME, id)
                .with(ConnectorOptions.OFFSET_TOPIC, "offsets-" + id)
                .with(ConnectorOptions.HEARTBEAT_TABLE, "public.heartbeat_" + id)
                .with(ConnectorOptions.NAME, id);
    }

    /** A copy with {@code option} set to {@code value}. */
    public ConnectorSettings with(String option, String value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(option, value);
        return new ConnectorSettings(o);
    }

    /** A copy with every entry of {@code more} set, later entries winning. */
    public ConnectorSettings withAll(Map<String, String> more) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.putAll(more);
        return new ConnectorSettings(o);
    }

    /** The options, in the order they were set. */
    public Map<String, String> options() {
        return options;
    }

    /** The options as command-line arguments, {@code --option=value}. */
    public String[] args() {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args.toArray(new String[0]);
    }

    /**
     * The validated configuration.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the option and the bad value
     */
    public ConnectorConfig config() {
        return ConnectorConfig.from(AppOptions.load(args(), Map.of()));
    }
}

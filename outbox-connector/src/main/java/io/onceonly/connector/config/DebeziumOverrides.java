package io.onceonly.connector.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.runtime.EffectiveConfig;

/**
 * The {@code debezium.*} settings, checked for values that would break the relay's guarantees.
 * They are applied after the derived settings and win, so one of them could silently drop the
 * slot, skip inserts or hide the outbox table: those are refused at start with the reason and
 * what to use instead, as unsafe {@code kafka.*} values are.
 */
final class DebeziumOverrides {

    // The relay chooses its tables and needs every mapped column: any filter of Debezium's own can only lose events.
    private static final List<String> FILTERS = List.of("table.include.list", "table.exclude.list",
            "schema.include.list", "schema.exclude.list", "column.include.list", "column.exclude.list");

    private final Map<String, String> settings;

    /** @param settings the {@code debezium.*} settings, prefix removed */
    DebeziumOverrides(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * @throws ConfigException naming the first {@code debezium.*} option that breaks a guarantee
     */
    void requireSafe() {
        String dropOnStop = settings.get("slot.drop.on.stop");
        if (dropOnStop != null && dropOnStop.strip().equalsIgnoreCase("true")) {
            refuse("slot.drop.on.stop", "must not be true: the slot, and with it the relay's position, would be dropped"
                    + " on every stop, so events committed while the connector is down would never be relayed;"
                    + " leave it unset, and drop a retired connector's slot by hand (pg_drop_replication_slot)");
        }
        ownOption("snapshot.mode", ConnectorOptions.SNAPSHOT_MODE + " (initial, no_data or when_needed)");
        ownOption("slot.name", ConnectorOptions.SLOT_NAME);
        ownOption("publication.name", ConnectorOptions.PUBLICATION_NAME);
        // Debezium would stream from another server, or as another user, than the start-up checks looked at.
        ownOption("database.hostname", ConnectorOptions.DATABASE_URL + " (jdbc:postgresql://host:5432/dbname)");
        ownOption("database.port", ConnectorOptions.DATABASE_URL + " (jdbc:postgresql://host:5432/dbname)");
        ownOption("database.dbname", ConnectorOptions.DATABASE_URL + " (jdbc:postgresql://host:5432/dbname)");
        ownOption("database.user", ConnectorOptions.DATABASE_USER);
        ownOption("database.password", ConnectorOptions.DATABASE_PASSWORD);
        if (settings.containsKey("publication.autocreate.mode")) {
            refuse("publication.autocreate.mode", "may not be set: the connector creates and checks the publication"
                    + " itself (refusing one that would not deliver every insert of the outbox); name it with "
                    + ConnectorOptions.PUBLICATION_NAME + ", or create it yourself before the start");
        }
        String plugin = settings.get("plugin.name");
        if (plugin != null && !plugin.strip().equals("pgoutput")) {
            refuse("plugin.name", "must be pgoutput: the publication checks and the row decoding are made for it;"
                    + " leave it unset");
        }
        for (String filter : FILTERS) {
            if (settings.containsKey(filter)) {
                refuse(filter, "may not be set: the relay chooses its tables (" + ConnectorOptions.OUTBOX_TABLE + ", "
                        + ConnectorOptions.HEARTBEAT_TABLE + ") and needs every mapped column; a filter could only"
                        + " hide events. Point " + ConnectorOptions.OUTBOX_TABLE + " and outbox.column.* at your table instead");
            }
        }
        String skipped = settings.get("skipped.operations");
        if (skipped != null) {
            Set<String> operations = Arrays.stream(skipped.split(","))
                    .map(op -> op.strip().toLowerCase(Locale.ROOT)).filter(op -> !op.isEmpty()).collect(Collectors.toSet());
            if (operations.contains("c") || !operations.contains("u") || !operations.contains("d")) {
                refuse("skipped.operations", "must skip u and d and must not skip c: inserts are the events, and"
                        + " updates or deletes of outbox rows are not; leave it unset (u,d,t)");
            }
        }
    }

    private void ownOption(String key, String option) {
        if (settings.containsKey(key)) {
            refuse(key, "may not be set: the connector derives it from its own option " + option + "; set that instead");
        }
    }

    private void refuse(String key, String reason) {
        String value = EffectiveConfig.isSecret(key) ? "[hidden]" : settings.get(key);
        throw new ConfigException(ConnectorOptions.DEBEZIUM_PREFIX + key, value, reason);
    }
}

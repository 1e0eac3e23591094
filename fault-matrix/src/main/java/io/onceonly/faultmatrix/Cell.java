package io.onceonly.faultmatrix;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.onceonly.demo.membership.pipeline.Pipeline;

/**
 * One fault the matrix injects, under a steady load, in a run of its own from a clean state. The
 * pipeline each cell deploys is the one the fault is about: two dedup instances always (so that one
 * can die), a standby connector only where the cell says so.
 */
public enum Cell {

    RELAY_KILL("relay SIGKILL, restarted 2 s later (no standby)", 1),
    RELAY_KILL_STANDBY("relay SIGKILL with a hot standby running (it takes over); the killed one restarts as standby", 2),
    DEDUP_KILL("one of two dedup instances SIGKILL, restarted 10 s later (--outage)", 1),
    CARD_KILL("card service SIGKILL between its database commit and its offset commit, restarted", 1),
    LEADER_KILL("SIGKILL of the broker leading the payment topic's partition 0, restarted 10 s later", 1),
    ROLLING_RESTART("rolling restart of all three brokers (SIGTERM, start, wait until in sync, next)", 1),
    POSTGRES_RESTART("PostgreSQL immediate shutdown (SIGQUIT, no checkpoint) and restart", 1),
    SLOT_DROP("replication slot dropped under the relay: it stops loudly (exit 1); the operator starts it once with"
            + " slot.lost.recovery=resend-table", 1),
    NETWORK_CUT_KAFKA("network between the relay and Kafka cut for 20 s (twice --outage)", 1),
    NETWORK_CUT_POSTGRES("network between the relay and PostgreSQL cut for 20 s (twice --outage)", 1),
    ALL_AT_ONCE("every fault above in one run, one after another at random moments (relay with a standby)", 2);

    private final String description;
    private final int connectors;

    Cell(String description, int connectors) {
        this.description = description;
        this.connectors = connectors;
    }

    /** The cell's name on the command line and in results, for example {@code relay-kill}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What the fault is. */
    public String description() {
        return description;
    }

    /** Whether the connector reaches Kafka and PostgreSQL through {@link RelayProxies} in this cell. */
    boolean proxied() {
        return this == NETWORK_CUT_KAFKA || this == NETWORK_CUT_POSTGRES || this == ALL_AT_ONCE;
    }

    /**
     * The pipeline the cell runs: its connectors at the deployment default (at-least-once), two
     * dedup instances.
     *
     * @param connectorOptions routing through proxies, for the cells that cut the network
     */
    Pipeline.Shape shape(Map<String, String> connectorOptions) {
        return new Pipeline.Shape(connectors, "at-least-once", 2, connectorOptions);
    }

    /**
     * The cells named in {@code list} (comma-separated ids, or {@code all}).
     *
     * @throws IllegalArgumentException naming an unknown cell and the known ones
     */
    public static List<Cell> parse(String list) {
        if (list.isBlank() || list.trim().equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(list.split(",")).map(String::trim).map(id -> Arrays.stream(values())
                .filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--cells: unknown cell '" + id + "'; the cells are "
                        + Arrays.stream(values()).map(Cell::id).collect(Collectors.joining(", ")) + " (or all)")))
                .toList();
    }
}

package io.onceonly.connector.source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;

/**
 * The relay's replication slot as the server sees it, and what to say and do when it is lost: the
 * slot keeps the WAL the relay has not confirmed, so a slot that is gone while a saved position
 * exists means changes after that position may never be read from the WAL.
 */
public final class ReplicationSlot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSlot.class);
    // Debezium's own words when the saved position is older than what the slot (if any) still has.
    private static final String DEBEZIUM_POSITION_GONE = "no longer available on the server";
    private static final Pattern SAVED_LSN = Pattern.compile("lastCompletelyProcessedLsn=(LSN\\{[^}]*\\})");
    private static final Pattern SAVED_TIME = Pattern.compile("timestamp=([0-9TZ:.\\-]+)");

    /** What the server says of the slot. */
    public enum State {
        /** No slot of that name. */
        MISSING,
        /** The slot exists but the server removed WAL it needed (wal_status = lost). */
        INVALIDATED,
        /** The slot exists and can be read. */
        USABLE
    }

    private final ConnectorConfig config;
    private Connection watching;

    public ReplicationSlot(ConnectorConfig config) {
        this.config = config;
    }

    /** The slot's state now. */
    public State state() throws SQLException {
        try (Connection c = connect();
             PreparedStatement q = c.prepareStatement("select wal_status from pg_replication_slots where slot_name = ? and database = ?")) {
            q.setString(1, config.slotName());
            q.setString(2, config.databaseName());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return State.MISSING;
                }
                return "lost".equals(rs.getString(1)) ? State.INVALIDATED : State.USABLE;
            }
        }
    }

    /**
     * Who streams the slot now, and since when its walsender has not heard from that reader. The
     * client's {@code reply_time} is fresh as long as it runs: Debezium reports its position every
     * {@code status.update.interval.ms}.
     */
    public synchronized SlotOccupancy occupancy() throws SQLException {
        try {
            return occupancy(watching());
        } catch (SQLException e) {
            closeWatching();
            throw e;
        }
    }

    // One connection for the looks, twice a second for as long as the instance runs: a new one each time would start a
    // server process each time.
    private Connection watching() throws SQLException {
        if (watching == null || watching.isClosed()) {
            watching = connect();
            watching.setAutoCommit(true);
        }
        return watching;
    }

    private void closeWatching() {
        if (watching != null) {
            try {
                watching.close();
            } catch (SQLException e) {
                LOG.debug("closing the slot-watching connection: {}", e.toString());
            }
            watching = null;
        }
    }

    /**
     * The WAL the slot keeps on the server, on the connection {@link #occupancy()} uses.
     *
     * @return null when the slot does not exist (yet)
     */
    public synchronized SlotRetention retention() throws SQLException {
        // On a standby server (a replica being read) the current position is the last WAL received.
        String current = "case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end";
        try (PreparedStatement q = watching().prepareStatement("select coalesce((" + current + " - restart_lsn)::bigint, 0),"
                + " coalesce((" + current + " - confirmed_flush_lsn)::bigint, 0), wal_status"
                + " from pg_replication_slots where slot_name = ? and database = ?")) {
            q.setString(1, config.slotName());
            q.setString(2, config.databaseName());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? new SlotRetention(Math.max(0, rs.getLong(1)), Math.max(0, rs.getLong(2)), rs.getString(3)) : null;
            }
        } catch (SQLException e) {
            closeWatching();
            throw e;
        }
    }

    /** Closes the connection {@link #occupancy()} keeps open. */
    @Override
    public synchronized void close() {
        closeWatching();
    }

    private SlotOccupancy occupancy(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select coalesce(s.active_pid, 0),"
                     + " extract(epoch from (now() - coalesce(r.reply_time, r.backend_start))) * 1000,"
                     + " coalesce(s.confirmed_flush_lsn - '0/0'::pg_lsn, -1)"
                     + " from pg_replication_slots s left join pg_stat_replication r on r.pid = s.active_pid"
                     + " where s.slot_name = ? and s.database = ?")) {
            q.setString(1, config.slotName());
            q.setString(2, config.databaseName());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return SlotOccupancy.free(-1);
                }
                int pid = rs.getInt(1);
                if (pid == 0) {
                    return SlotOccupancy.free(rs.getLong(3));
                }
                double silentMs = rs.getDouble(2);
                // No pg_stat_replication row: the walsender is starting or ending; count it as just heard from.
                Duration silent = rs.wasNull() ? Duration.ZERO : Duration.ofMillis(Math.max(0, (long) silentMs));
                return new SlotOccupancy(pid, silent, rs.getLong(3));
            }
        }
    }

    /**
     * Ends the walsender that holds the slot, so that this instance can stream it. Allowed for a
     * backend of the same role; otherwise the role needs {@code pg_signal_backend} (or superuser).
     *
     * @return whether the server ended it (false when it was gone already)
     * @throws SQLException when the server refuses, for example for want of the privilege
     */
    public boolean terminateHolder(int pid) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("select pg_terminate_backend(?)")) {
            q.setInt(1, pid);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Before the engine starts: an invalidated slot can never be read again. With the recovery
     * option it is dropped (the engine then finds no slot and relays the table again); without it
     * the start fails with the recovery.
     *
     * @throws SlotLostException when the slot is invalidated and recovery is not asked for
     */
    public void checkBeforeStart() {
        State state;
        try {
            state = state();
        } catch (SQLException e) {
            LOG.warn("cannot read the state of replication slot {}: {}", config.slotName(), e.getMessage());
            return;
        }
        if (state != State.INVALIDATED) {
            return;
        }
        if (!config.resendTableWhenSlotLost()) {
            throw new SlotLostException(lostMessage(state, "unknown", "unknown"));
        }
        try (Connection c = connect(); PreparedStatement drop = c.prepareStatement("select pg_drop_replication_slot(?)")) {
            drop.setString(1, config.slotName());
            drop.execute();
            LOG.warn("dropped the invalidated replication slot {}; {}=resend-table relays every row still in {} again",
                    config.slotName(), ConnectorOptions.SLOT_LOST_RECOVERY, config.outboxTable());
        } catch (SQLException e) {
            throw new SlotLostException("replication slot " + config.slotName() + " is invalidated and cannot be dropped ("
                    + e.getMessage() + "): drop it yourself with SELECT pg_drop_replication_slot('" + config.slotName() + "')");
        }
    }

    /**
     * Translates the engine's failure when it means the slot lost the saved position; any other
     * error is returned as it is.
     */
    public Throwable explain(Throwable engineError) {
        if (!meansPositionGone(engineError)) {
            return engineError;
        }
        String message = fullMessage(engineError);
        State state;
        try {
            state = state();
        } catch (SQLException e) {
            state = null;
        }
        return new SlotLostException(lostMessage(state, find(SAVED_LSN, message), find(SAVED_TIME, message)));
    }

    private String lostMessage(State state, String savedLsn, String savedTime) {
        String what = state == State.INVALIDATED ? "was invalidated by the server (wal_status=lost: max_slot_wal_keep_size"
                + " removed WAL it still needed)"
                : state == State.USABLE ? "no longer holds the saved position (it was dropped and created again)"
                : "is gone (dropped by hand, or a failover promoted a server that does not have it)";
        return "replication slot " + config.slotName() + " on " + config.databaseHost() + ":" + config.databasePort() + "/"
                + config.databaseName() + " " + what + ", but the connector's saved position is " + savedLsn + " (last relayed"
                + " commit at " + savedTime + "): rows committed after it were never read from the WAL. Recover: restart once"
                + " with " + ConnectorOptions.SLOT_LOST_RECOVERY + "=resend-table to relay every row still in "
                + config.outboxTable() + " (the dedup stage drops the duplicates; rows that delete-after-insert writers"
                + " committed while the slot was gone are lost), then set it back to fail";
    }

    /** Whether an engine error says the saved position is no longer on the server. */
    static boolean meansPositionGone(Throwable error) {
        return error != null && fullMessage(error).contains(DEBEZIUM_POSITION_GONE);
    }

    private static String fullMessage(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : "unknown";
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(config.databaseUrl(), config.databaseProperties());
    }
}

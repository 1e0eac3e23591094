package io.onceonly.cli.slot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A replication slot as {@code pg_replication_slots} shows it, with the WAL it keeps on the server:
 * the server's WAL position (on a standby, the received one) minus the slot's {@code restart_lsn}.
 *
 * @param retainedWalBytes WAL the server keeps for the slot; null when the slot holds none (lost)
 * @param unconfirmedWalBytes WAL its reader has not confirmed ({@code confirmed_flush_lsn}); null for a physical slot
 * @param activePid the walsender reading it; null when no one does
 */
public record SlotRow(String name, String type, String plugin, String database, boolean active, Integer activePid,
                      String walStatus, String restartLsn, String confirmedFlushLsn, Long retainedWalBytes,
                      Long unconfirmedWalBytes) {

    private static final String SELECT = "select s.slot_name, s.slot_type, s.plugin, s.database, s.active, s.active_pid,"
            + " s.wal_status, s.restart_lsn::text, s.confirmed_flush_lsn::text,"
            + " (w.lsn - s.restart_lsn)::bigint, (w.lsn - s.confirmed_flush_lsn)::bigint"
            + " from pg_replication_slots s,"
            + " (select case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end as lsn) w";

    /** Every logical slot of the server, by name. */
    static List<SlotRow> logical(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where s.slot_type = 'logical' order by s.slot_name")) {
            return read(select);
        }
    }

    /** The slot named {@code name}, logical or physical. */
    static Optional<SlotRow> named(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where s.slot_name = ?")) {
            select.setString(1, name);
            return read(select).stream().findFirst();
        }
    }

    /** The names of every slot, for a message about one that is not there. */
    static List<String> names(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("select slot_name from pg_replication_slots order by 1");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<SlotRow> read(PreparedStatement select) throws SQLException {
        List<SlotRow> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new SlotRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                        (Integer) rs.getObject(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        (Long) rs.getObject(10), (Long) rs.getObject(11)));
            }
        }
        return rows;
    }
}

package io.onceonly.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import io.onceonly.stack.Await;

/**
 * A connector's replication slot, watched from the database: with {@code snapshot.mode=no_data}
 * only rows committed after the slot exists are relayed, so a figure starts writing once it does.
 */
final class ReplicationSlot {

    private ReplicationSlot() {
    }

    /** Waits until a connector streams from slot {@code name}. */
    static void awaitActive(DataSource db, String name, Duration timeout) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement active = c.prepareStatement("select active from pg_replication_slots where slot_name = ?")) {
            active.setString(1, name);
            Await.until("a connector streaming from replication slot " + name, timeout, () -> {
                try (ResultSet rs = active.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
        }
    }

    /**
     * Drops slot {@code name} once its connector let go of it: a full run makes more slots than a
     * server's {@code max_replication_slots} (10 by default), and each keeps WAL.
     */
    static void drop(DataSource db, String name, Duration timeout) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement drop = c.prepareStatement("select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                     + " where slot_name = ? and not active")) {
            drop.setString(1, name);
            try (PreparedStatement exists = c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
                exists.setString(1, name);
                Await.until("replication slot " + name + " dropped", timeout, () -> {
                    drop.execute();
                    try (ResultSet rs = exists.executeQuery()) {
                        return !rs.next();
                    }
                });
            }
        }
    }
}

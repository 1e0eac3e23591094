package io.onceonly.connector.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Deletes outbox rows older than the retention whose inserting transaction is below a proven
 * watermark ({@link RelayedWatermark}), in batches of one short transaction each.
 *
 * <p>A batch picks its rows oldest first through the created-at index (no scan of the table) and
 * locks them with {@code for update skip locked}: a row another transaction holds is left for a
 * later batch instead of waited for. Inserts take no lock a delete holds, so writers never wait
 * for a purge; at most the rows of one batch are locked, until it commits.
 */
public final class OutboxPurge {

    private final int batchSize;
    private final double retentionSeconds;
    private final String deleteSql;

    /**
     * @param table the outbox table, {@code schema.table} of plain identifiers
     * @param createdAtColumn the creation-time column (a timestamp with an index)
     */
    public OutboxPurge(String table, String createdAtColumn, Duration retention, int batchSize) {
        this.batchSize = batchSize;
        this.retentionSeconds = retention.toMillis() / 1000.0;
        String createdAt = '"' + createdAtColumn.replace("\"", "\"\"") + '"';
        // xmin is the row's inserting transaction as a 32-bit id; the watermark is a 64-bit one. age() counts both back
        // from the same current id in 32-bit arithmetic, which is exact for every row not frozen: PostgreSQL keeps those
        // within 2^31 transactions of the current id, and the watermark is younger still. A frozen row keeps its old
        // xmin; one frozen more than 2^31 transactions ago looks younger than the watermark and is kept (never deleted
        // too early) until the counter moves on by up to 2^31 more. A row updated since it was relayed carries the
        // updater's id and waits for a watermark above that. Tested across the 32-bit wrap with pg_resetwal -x.
        String qualifies = createdAt + " < now() - make_interval(secs => ?) and age(xmin) > age(?::text::xid)";
        // The outer conditions repeat the inner ones: a ctid names a row only within one partition, and a row changed
        // between the two (a new version) must qualify again; whatever else they match is as safe to delete.
        this.deleteSql = "delete from " + table + " where ctid = any(array(select ctid from " + table + " where " + qualifies
                + " order by " + createdAt + " limit ? for update skip locked)) and " + qualifies;
    }

    /**
     * Deletes at most one batch, in one transaction.
     *
     * @param c a connection in auto-commit mode
     * @param provenXmin the 64-bit id below which every inserting transaction was relayed
     * @return rows deleted; fewer than the batch size when no more qualify (or the others are locked)
     */
    public int deleteBatch(Connection c, long provenXmin) throws SQLException {
        String xid32 = Long.toString(provenXmin & 0xFFFF_FFFFL);
        try (PreparedStatement delete = c.prepareStatement(deleteSql)) {
            delete.setDouble(1, retentionSeconds);
            delete.setString(2, xid32);
            delete.setInt(3, batchSize);
            delete.setDouble(4, retentionSeconds);
            delete.setString(5, xid32);
            return delete.executeUpdate();
        }
    }

    /**
     * Deletes batch after batch until one is short or {@code keepGoing} says stop.
     *
     * @param afterBatch told the rows each batch deleted, after it committed
     * @return rows deleted
     */
    public long purge(Connection c, long provenXmin, BooleanSupplier keepGoing, IntConsumer afterBatch) throws SQLException {
        long deleted = 0;
        int batch;
        do {
            batch = deleteBatch(c, provenXmin);
            deleted += batch;
            afterBatch.accept(batch);
        } while (batch == batchSize && keepGoing.getAsBoolean());
        return deleted;
    }
}

package io.onceonly.connector.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A point the relay must pass, taken in one query, with what the replication slot said at that
 * moment.
 *
 * <p>{@code xmin} is the 64-bit id below which no transaction was running: each of those had
 * ended, so its commit record had been inserted into the WAL, before {@code walLsn}, the WAL's
 * insert position read after the snapshot. (The insert position, not {@code pg_current_wal_lsn()}:
 * that is the write position, which a commit with {@code synchronous_commit=off} may not have
 * reached yet.) The slot skips, on every later read, the transactions whose commit record starts
 * before its {@code confirmed_flush_lsn}, so once that passes {@code walLsn} every transaction below
 * {@code xmin} counts as consumed, and the relay confirms only what Kafka acknowledged. That is
 * the relay's own no-loss rule, so trusting it here adds no assumption.
 *
 * <p>The proof must come from the slot as it was when the watermark was taken: a slot dropped and
 * created again (a lost slot recovered by {@code slot.lost.recovery=resend-table}) starts confirmed
 * past every older watermark while its snapshot has relayed nothing yet. So a watermark is proven
 * only by a later reading of the same walsender (pid and start time): a slot cannot be dropped
 * while a walsender holds it, and an invalidated one loses its walsender. And only strictly past
 * {@code walLsn}: a slot created with nothing written since confirms exactly the current position
 * while its snapshot is still being sent; Debezium confirms nothing beyond the slot's start before
 * every snapshot record was acknowledged.
 *
 * @param xmin {@code pg_snapshot_xmin(pg_current_snapshot())}: every transaction with a smaller 64-bit id had ended
 * @param walLsn the WAL insert position after the snapshot, as a number
 * @param holderPid the walsender streaming the slot then, 0 when none did (or the slot is missing)
 * @param holderStartMicros when that walsender started (epoch microseconds), 0 when unknown
 * @param confirmedLsn the slot's {@code confirmed_flush_lsn} then, as a number, -1 when the slot is missing
 */
public record RelayedWatermark(long xmin, long walLsn, int holderPid, long holderStartMicros, long confirmedLsn) {

    // The snapshot is the statement's, taken before any expression runs: the insert position is read after it.
    private static final String QUERY = "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint,"
            + " (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint,"
            + " coalesce(s.active_pid, 0),"
            + " coalesce((extract(epoch from a.backend_start) * 1000000)::bigint, 0),"
            + " coalesce((s.confirmed_flush_lsn - '0/0'::pg_lsn)::bigint, -1)"
            + " from (select 1) as one"
            + " left join pg_replication_slots s on s.slot_name = ? and s.database = ?"
            + " left join pg_stat_activity a on a.pid = s.active_pid";

    /** Takes a watermark now, with the state of {@code slot} in {@code database}. */
    public static RelayedWatermark take(Connection c, String slot, String database) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(QUERY)) {
            q.setString(1, slot);
            q.setString(2, database);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return new RelayedWatermark(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }

    /**
     * Whether {@code later} proves that every transaction below {@link #xmin} was relayed: the same
     * walsender held the slot at both readings, and confirmed strictly past {@link #walLsn}.
     */
    public boolean confirmedBy(RelayedWatermark later) {
        return sameHolder(later) && later.confirmedLsn > walLsn;
    }

    /** Whether a walsender held the slot at this reading and the same one at {@code later}. */
    public boolean sameHolder(RelayedWatermark later) {
        return holderPid != 0 && holderPid == later.holderPid && holderStartMicros == later.holderStartMicros;
    }
}

package io.onceonly.contracts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import io.onceonly.contracts.wire.Violations;

/**
 * The last hop's dedup: a consumer claims a biz-id in the same database transaction as its
 * business effect, so the effect and the claim commit together or not at all.
 *
 * <pre>{@code
 * tx.setAutoCommit(false);
 * if (consumer.claim(tx, "card-issuer", bizId)) {
 *     issueCard(tx, ...);      // first time: act
 * }                            // duplicate: do nothing
 * tx.commit();                 // then commit the Kafka offset
 * }</pre>
 *
 * <p>A claim is a row in {@code processed_message}; a concurrent claim of the same biz-id waits
 * for the first transaction and returns false once it committed (true if it rolled back). Names
 * and biz-ids of any length can be claimed: one over 1 KiB is stored as a prefix and its SHA-256
 * (see {@link #claim}). Thread-safe.
 */
public final class IdempotentConsumer {

    private final String table;
    private final String claimSql;
    private final String purgeSql;

    /** A consumer on table {@code processed_message}. */
    public IdempotentConsumer() {
        this(OutboxSchema.PROCESSED_MESSAGE_TABLE);
    }

    /** A consumer on a table laid out like {@code processed_message}, optionally schema-qualified. */
    public IdempotentConsumer(String table) {
        this.table = TableName.require("table", table);
        this.claimSql = "insert into " + this.table + " (consumer_name, biz_id) values (?, ?) on conflict do nothing";
        this.purgeSql = "delete from " + this.table + " where processed_at < now() - make_interval(secs => ?)";
    }

    /**
     * Claims {@code bizId} for {@code consumerName} in the caller's transaction.
     *
     * <p>Values of at most 1,024 bytes of UTF-8 are stored as they are; a longer one, which would
     * not fit PostgreSQL's btree index row, as its first 960 bytes or so followed by
     * {@code " sha256:"} and the SHA-256 of the whole value in hex. Equal ids still collide,
     * distinct ones don't, and rows written before this rule keep matching.
     *
     * <p>Isolation: under READ COMMITTED (PostgreSQL's default) a claim of a biz-id that another
     * transaction claimed and has not committed yet waits for it, then returns false (or true if
     * it rolled back). Under REPEATABLE READ or SERIALIZABLE, if the other transaction committed
     * its claim after this transaction took its snapshot (its first statement), PostgreSQL cannot
     * let this one see the row nor ignore it: {@code claim} throws the driver's
     * {@link SQLException} with SQLState {@code 40001} (serialization_failure). Roll back and run
     * the whole transaction again, as for any serialization failure; the retry returns false, so
     * the effect happens once.
     *
     * @return true the first time (act now), false when the biz-id was already processed (skip)
     * @throws IllegalStateException if {@code tx} is in auto-commit mode (nothing is written)
     * @throws SQLException SQLState 40001 under REPEATABLE READ or SERIALIZABLE as above: roll back and retry
     */
    public boolean claim(Connection tx, String consumerName, String bizId) throws SQLException {
        OpenTransaction.require(tx, "IdempotentConsumer.claim");
        requireText("consumerName", consumerName);
        requireText("bizId", bizId);
        try (PreparedStatement insert = tx.prepareStatement(claimSql)) {
            insert.setString(1, ClaimKey.of(consumerName));
            insert.setString(2, ClaimKey.of(bizId));
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Deletes claims older than {@code age}, of every consumer, in one statement. Keep {@code age} longer than the
     * longest time a duplicate can arrive after its original (at least the dedup retention). On a large table prefer
     * {@link ProcessedMessagePurge}, which deletes in short batches and checks the age against the dedup retention.
     *
     * @return the number of claims deleted
     */
    public int purgeOlderThan(Connection connection, Duration age) throws SQLException {
        if (age == null || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException(Violations.describe("age", age, "must be a positive duration"));
        }
        try (PreparedStatement delete = connection.prepareStatement(purgeSql)) {
            delete.setDouble(1, age.toMillis() / 1000.0);
            return delete.executeUpdate();
        }
    }

    /** The table claims are written to. */
    public String table() {
        return table;
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank() || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(Violations.describe(field, value, "must be non-blank text without NUL characters"));
        }
    }
}

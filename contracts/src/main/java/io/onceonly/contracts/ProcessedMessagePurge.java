package io.onceonly.contracts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import io.onceonly.contracts.wire.Violations;

/**
 * Deletes the claims of {@link IdempotentConsumer} once no copy of their message can still
 * arrive, in small batches that each commit on their own.
 *
 * <pre>{@code
 * ProcessedMessagePurge purge = ProcessedMessagePurge.builder()
 *         .retention(Duration.ofDays(14))       // how long a claim is kept
 *         .dedupRetention(Duration.ofDays(7))   // the dedup app's retention.ms
 *         .build();
 * try (Connection c = dataSource.getConnection()) {   // auto-commit: each batch commits on its own
 *     long deleted = purge.run(c);
 * }
 * }</pre>
 *
 * <p>The rule: a claim may be forgotten only after no copy of its message can still arrive. The
 * dedup app drops copies of a biz-id for its retention, and forwards one again once that has
 * passed; the connector and Kafka may deliver a copy later still (a resend after a crash, a
 * replay). So {@link Builder#retention} must exceed the dedup retention by the longest delay a
 * copy can have, and the builder refuses one that does not exceed it at all.
 *
 * <p>Each batch is one {@code DELETE} of at most {@link Builder#batchSize} rows, oldest first
 * through the {@code processed_at} index, skipping rows another transaction holds: a claim being
 * made is never waited for, and no row stays locked longer than one batch. Thread-safe.
 */
public final class ProcessedMessagePurge {

    /** The dedup app's default retention ({@code retention.ms}, 7 days). */
    public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofDays(7);
    /** Rows deleted per batch unless {@link Builder#batchSize} says otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;

    private final String table;
    private final Duration retention;
    private final int batchSize;
    private final String deleteSql;

    private ProcessedMessagePurge(Builder b) {
        this.table = TableName.require("table", b.table);
        if (b.dedupRetention == null || b.dedupRetention.isNegative() || b.dedupRetention.isZero()) {
            throw new IllegalArgumentException(Violations.describe("dedupRetention", b.dedupRetention,
                    "must be a positive duration: the dedup app's retention.ms"));
        }
        if (b.retention == null) {
            throw new IllegalArgumentException(Violations.describe("retention", null, "must be set: how long a claim is kept,"
                    + " longer than the dedup retention (" + b.dedupRetention + ") by the longest redelivery delay"));
        }
        if (b.retention.compareTo(b.dedupRetention) <= 0) {
            throw new IllegalArgumentException(Violations.describe("retention", b.retention, "must exceed the dedup retention ("
                    + b.dedupRetention + "): a claim may be forgotten only after no copy of its message can still arrive, and the"
                    + " dedup app forwards a copy again once its own retention has passed; add the longest redelivery delay"));
        }
        if (b.batchSize < 1) {
            throw new IllegalArgumentException(Violations.describe("batchSize", b.batchSize, "must be at least 1"));
        }
        this.retention = b.retention;
        this.batchSize = b.batchSize;
        // The outer conditions repeat the inner ones: a row changed between the two is deleted only if it still qualifies.
        String old = "processed_at < now() - make_interval(secs => ?)";
        this.deleteSql = "delete from " + table + " where ctid = any(array(select ctid from " + table + " where " + old
                + " order by processed_at limit ? for update skip locked)) and " + old;
    }

    /** A builder with the defaults: table {@code processed_message}, dedup retention 7 days, batches of 1,000. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Deletes every claim older than the retention, one batch (one transaction) at a time, until
     * a batch finds fewer rows than the batch size.
     *
     * @param connection a connection in auto-commit mode, so that each batch commits on its own
     * @return the number of claims deleted
     * @throws IllegalStateException if {@code connection} is not in auto-commit mode (nothing is deleted)
     */
    public long run(Connection connection) throws SQLException {
        long deleted = 0;
        int batch;
        do {
            batch = runBatch(connection);
            deleted += batch;
        } while (batch == batchSize);
        return deleted;
    }

    /**
     * Deletes at most one batch of claims older than the retention, in one transaction.
     *
     * @param connection a connection in auto-commit mode
     * @return the number of claims deleted; less than the batch size when no more are old enough
     * @throws IllegalStateException if {@code connection} is not in auto-commit mode (nothing is deleted)
     */
    public int runBatch(Connection connection) throws SQLException {
        if (connection == null || !connection.getAutoCommit()) {
            throw new IllegalStateException("ProcessedMessagePurge needs a connection in auto-commit mode: each batch must"
                    + " commit on its own, so that no claim stays locked longer than one batch; call"
                    + " connection.setAutoCommit(true) or use a connection of its own");
        }
        double seconds = retention.toMillis() / 1000.0;
        try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            delete.setDouble(1, seconds);
            delete.setInt(2, batchSize);
            delete.setDouble(3, seconds);
            return delete.executeUpdate();
        }
    }

    /** How long a claim is kept. */
    public Duration retention() {
        return retention;
    }

    /** The table claims are deleted from. */
    public String table() {
        return table;
    }

    /** Builds a {@link ProcessedMessagePurge}. */
    public static final class Builder {

        private String table = OutboxSchema.PROCESSED_MESSAGE_TABLE;
        private Duration retention;
        private Duration dedupRetention = DEFAULT_DEDUP_RETENTION;
        private int batchSize = DEFAULT_BATCH_SIZE;

        private Builder() {
        }

        /** The claims table, as given to {@link IdempotentConsumer#IdempotentConsumer(String)}; plain identifiers only. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** How long a claim is kept (required); must exceed {@link #dedupRetention}, by the longest redelivery delay. */
        public Builder retention(Duration retention) {
            this.retention = retention;
            return this;
        }

        /** The dedup app's {@code retention.ms}; 7 days unless set. */
        public Builder dedupRetention(Duration dedupRetention) {
            this.dedupRetention = dedupRetention;
            return this;
        }

        /** Rows deleted per batch (per transaction); 1,000 unless set. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting when the table is not a plain identifier, the retention
         *     does not exceed the dedup retention, or the batch size is below 1
         */
        public ProcessedMessagePurge build() {
            return new ProcessedMessagePurge(this);
        }
    }
}

package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;

@WithStack(scope = WithStack.Scope.JVM)
class ProcessedMessagePurgeIT {

    // A table of its own: the other classes of the JVM-wide stack write processed_message.
    private static final String TABLE = "processed_message_purge_it";
    private static DataSource db;

    @BeforeAll
    static void schema(PostgresService postgres) throws SQLException {
        db = postgres.dataSource();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            OutboxSchema.installProcessedMessage(c);
            s.execute("create table if not exists " + TABLE + " (like processed_message including all)");
        }
    }

    @Test
    void claimsOlderThanTheRetentionGoInBatchesYoungerOnesStay() throws Exception {
        sql("truncate " + TABLE,
                "insert into " + TABLE + " (consumer_name, biz_id, processed_at) select 'c', 'old-' || g, now() - interval '15 days'"
                        + " from generate_series(1, 2500) g",
                "insert into " + TABLE + " (consumer_name, biz_id, processed_at) select 'c', 'kept-' || g, now() - interval '13 days'"
                        + " from generate_series(1, 40) g");
        ProcessedMessagePurge purge = ProcessedMessagePurge.builder().table(TABLE).retention(Duration.ofDays(14)).batchSize(1_000).build();

        try (Connection c = db.getConnection()) {
            assertThat(purge.runBatch(c)).as("one batch").isEqualTo(1_000);
            assertThat(purge.run(c)).as("the rest").isEqualTo(1_500);
            assertThat(purge.run(c)).as("nothing left to purge").isZero();
        }
        assertThat(count("biz_id like 'old-%'")).isZero();
        assertThat(count("biz_id like 'kept-%'")).isEqualTo(40);
    }

    @Test
    void aClaimBeingMadeIsNeitherWaitedForNorDeleted() throws Exception {
        sql("truncate " + TABLE,
                "insert into " + TABLE + " (consumer_name, biz_id, processed_at) select 'c', 'old-' || g, now() - interval '15 days'"
                        + " from generate_series(1, 30) g");
        ProcessedMessagePurge purge = ProcessedMessagePurge.builder().table(TABLE).retention(Duration.ofDays(14)).batchSize(7).build();
        try (Connection holder = db.getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            // A consumer's transaction holding an old claim (for example re-claiming it while it is purged).
            s.execute("select 1 from " + TABLE + " where biz_id = 'old-1' for update");
            long deleted = CompletableFuture.supplyAsync(() -> {
                try (Connection c = db.getConnection()) {
                    return purge.run(c);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(deleted).isEqualTo(29);
            holder.commit();
        }
        assertThat(count("biz_id = 'old-1'")).as("skipped while locked").isEqualTo(1);
        try (Connection c = db.getConnection()) {
            assertThat(purge.run(c)).as("purged by the next run").isEqualTo(1);
        }
    }

    @Test
    void theRetentionMustExceedTheDedupRetentionAndTheConnectionMustCommitEachBatch() throws Exception {
        assertThatThrownBy(() -> ProcessedMessagePurge.builder().retention(Duration.ofDays(7)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retention 'PT168H' must exceed the dedup retention (PT168H)")
                .hasMessageContaining("no copy of its message can still arrive");
        assertThatThrownBy(() -> ProcessedMessagePurge.builder().retention(Duration.ofDays(2)).dedupRetention(Duration.ofDays(1))
                .batchSize(0).build()).hasMessageContaining("batchSize '0' must be at least 1");
        assertThatThrownBy(() -> ProcessedMessagePurge.builder().build()).hasMessageContaining("retention (null) must be set");
        assertThatThrownBy(() -> ProcessedMessagePurge.builder().retention(Duration.ofDays(8)).table("x; drop").build())
                .hasMessageContaining("table");
        assertThat(ProcessedMessagePurge.builder().retention(Duration.ofHours(3)).dedupRetention(Duration.ofHours(2)).build().retention())
                .isEqualTo(Duration.ofHours(3));

        ProcessedMessagePurge purge = ProcessedMessagePurge.builder().table(TABLE).retention(Duration.ofDays(8)).build();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> purge.run(c)).isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long count(String condition) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + TABLE + " where " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.onceonly.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;

@WithStack(scope = WithStack.Scope.JVM)
class IdempotentConsumerIT {

    private static DataSource db;
    private final IdempotentConsumer consumer = new IdempotentConsumer();

    @BeforeAll
    static void schema(PostgresService postgres) throws SQLException {
        db = postgres.dataSource();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            OutboxSchema.install(c);
            s.execute("create table if not exists card_issued (biz_id text not null)");
        }
    }

    /** Text that does not compress, as real ids of that length would not: hex of random UUIDs. */
    private static String longId(int chars) {
        StringBuilder id = new StringBuilder();
        while (id.length() < chars) {
            id.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return id.substring(0, chars);
    }

    private static String bizId() {
        return "pay-" + UUID.randomUUID();
    }

    private boolean claimAndCommit(String consumerName, String bizId) throws SQLException {
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            boolean first = consumer.claim(tx, consumerName, bizId);
            tx.commit();
            return first;
        }
    }

    @Test
    void theFirstClaimWinsAndADuplicateLoses() throws Exception {
        String bizId = bizId();

        assertThat(claimAndCommit("card-issuer", bizId)).isTrue();
        assertThat(claimAndCommit("card-issuer", bizId)).isFalse();
        // Another consumer has its own log of what it processed.
        assertThat(claimAndCommit("mailer", bizId)).isTrue();
    }

    @Test
    void aRolledBackClaimCanBeClaimedAgain() throws Exception {
        String bizId = bizId();
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            assertThat(consumer.claim(tx, "card-issuer", bizId)).isTrue();
            tx.rollback();
        }

        assertThat(claimAndCommit("card-issuer", bizId)).isTrue();
    }

    @Test
    void concurrentClaimsOfOneBizIdYieldExactlyOneWinner() throws Exception {
        String bizId = bizId();
        int threads = 8;
        // The connections are opened here, one after another, before the race: the pool creates connections one at a
        // time, so eight threads asking at once made the last one wait for all eight against the pool's 30 s timeout,
        // and on a loaded machine (CI, 2026-12-01) one gave up before the start line and left the others waiting there.
        // The race under test is between claims, not between connection opens.
        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                Connection tx = db.getConnection();
                connections.add(tx);
                tx.setAutoCommit(false);
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> results = new ArrayList<>();
            for (Connection tx : connections) {
                results.add(pool.submit(() -> {
                    try {
                        start.await(60, TimeUnit.SECONDS);
                        boolean won = consumer.claim(tx, "card-issuer", bizId);
                        // Hold the transaction open a little, so that the others really wait on it.
                        Thread.sleep(50);
                        tx.commit();
                        return won;
                    } catch (Exception e) {
                        // On its own thread, so that a failed or interrupted winner frees the row the others wait on.
                        tx.rollback();
                        throw e;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(120, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            // Back to the shared pool only once no thread of the race uses them.
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("the race's threads ended").isTrue();
            SQLException closing = null;
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException e) {
                    if (closing == null) {
                        closing = e;
                    } else {
                        closing.addSuppressed(e);
                    }
                }
            }
            if (closing != null) {
                throw closing;
            }
        }
        assertThat(claims(bizId)).isEqualTo(1);
    }

    @Test
    void anAutoCommitConnectionIsRefusedAndNothingIsClaimed() throws Exception {
        String bizId = bizId();
        try (Connection c = db.getConnection()) {
            assertThatThrownBy(() -> consumer.claim(c, "card-issuer", bizId))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("IdempotentConsumer.claim refused a connection in auto-commit mode");
        }
        assertThat(claims(bizId)).isZero();
    }

    @Test
    void blankNamesAreRefused() throws Exception {
        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            assertThatThrownBy(() -> consumer.claim(tx, " ", "x")).hasMessageContaining("consumerName ' '");
            assertThatThrownBy(() -> consumer.claim(tx, "card-issuer", null)).hasMessageContaining("bizId (null)");
            tx.rollback();
        }
    }

    @Test
    void aPlainInsertOfALongIdOverflowsTheIndexWhichIsWhyClaimDoesNotStoreItAsItIs() throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into processed_message (consumer_name, biz_id) values (?, ?)")) {
            insert.setString(1, "card-issuer");
            insert.setString(2, longId(10_000));
            assertThatThrownBy(insert::executeUpdate)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("54000"))
                    .hasMessageContaining("index row");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10_000, 100_000})
    void longIdsAreClaimedOnceAndDistinctLongIdsApart(int length) throws Exception {
        String bizId = longId(length);
        // Same first 960 bytes, different end: only the digest tells them apart.
        String sameStart = bizId.substring(0, length - 1) + (bizId.endsWith("0") ? "1" : "0");
        String longName = "consumer-" + longId(length);

        assertThat(claimAndCommit("card-issuer", bizId)).isTrue();
        assertThat(claimAndCommit("card-issuer", bizId)).isFalse();
        assertThat(claimAndCommit("card-issuer", sameStart)).isTrue();
        assertThat(claimAndCommit(longName, bizId)).isTrue();
        assertThat(claimAndCommit(longName, bizId)).isFalse();

        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select biz_id from processed_message where consumer_name = 'card-issuer'"
                     + " and biz_id like ?")) {
            q.setString(1, bizId.substring(0, 900) + "%");
            List<String> stored = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(stored).hasSize(2).allSatisfy(key -> assertThat(key)
                    .matches("[0-9a-f]{957,960} sha256:[0-9a-f]{64}")
                    .hasSizeGreaterThan(ClaimKey.VERBATIM_MAX_BYTES));
        }
    }

    @Test
    void idsUpToOneKibibyteAreStoredAsTheyAre() throws Exception {
        String bizId = longId(ClaimKey.VERBATIM_MAX_BYTES);

        assertThat(claimAndCommit("card-issuer", bizId)).isTrue();
        assertThat(claims(bizId)).isEqualTo(1);
        // A row written before long ids were digested is still found.
        String older = bizId();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into processed_message (consumer_name, biz_id) values ('card-issuer', '" + older + "')");
        }
        assertThat(claimAndCommit("card-issuer", older)).isFalse();
    }

    /**
     * Under REPEATABLE READ and SERIALIZABLE a claim that another transaction committed after this
     * transaction's snapshot is a serialization failure; the retry sees the claim and skips.
     */
    @ParameterizedTest
    @ValueSource(ints = {Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE})
    void underSnapshotIsolationALateConcurrentClaimFailsToSerializeAndTheRetrySkips(int isolation) throws Exception {
        String bizId = bizId();
        try (Connection late = db.getConnection()) {
            late.setTransactionIsolation(isolation);
            late.setAutoCommit(false);
            // The first statement takes the snapshot.
            assertThat(issued(late, bizId)).isZero();

            assertThat(claimAndIssue(isolation, bizId)).isTrue();

            assertThatThrownBy(() -> consumer.claim(late, "card-issuer", bizId))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("40001"))
                    .hasMessageContaining("could not serialize access");
            late.rollback();
        }

        // What the caller does on 40001: run the transaction again; now the claim is visible.
        assertThat(claimAndIssue(isolation, bizId)).isFalse();
        try (Connection c = db.getConnection()) {
            assertThat(issued(c, bizId)).isEqualTo(1);
        }
        assertThat(claims(bizId)).isEqualTo(1);
    }

    /** A consumer's whole transaction: claim, and issue a card only the first time. */
    private boolean claimAndIssue(int isolation, String bizId) throws SQLException {
        try (Connection tx = db.getConnection()) {
            tx.setTransactionIsolation(isolation);
            tx.setAutoCommit(false);
            boolean first = consumer.claim(tx, "card-issuer", bizId);
            if (first) {
                try (PreparedStatement issue = tx.prepareStatement("insert into card_issued (biz_id) values (?)")) {
                    issue.setString(1, bizId);
                    issue.executeUpdate();
                }
            }
            tx.commit();
            return first;
        }
    }

    private static long issued(Connection c, String bizId) throws SQLException {
        return rowsOf(c, "card_issued", bizId);
    }

    @Test
    void purgeDeletesOnlyClaimsOlderThanTheRetention() throws Exception {
        String old = bizId();
        String fresh = bizId();
        claimAndCommit("purger", old);
        claimAndCommit("purger", fresh);
        try (Connection c = db.getConnection();
             PreparedStatement age = c.prepareStatement("update processed_message set processed_at = now() - interval '8 days'"
                     + " where biz_id = ?")) {
            age.setString(1, old);
            age.executeUpdate();
        }

        try (Connection c = db.getConnection()) {
            assertThat(consumer.purgeOlderThan(c, Duration.ofDays(7))).isGreaterThanOrEqualTo(1);
            assertThatThrownBy(() -> consumer.purgeOlderThan(c, Duration.ZERO)).hasMessageContaining("age 'PT0S' must be a positive duration");
        }

        assertThat(claims(old)).isZero();
        assertThat(claims(fresh)).isEqualTo(1);
        // Purged: the same biz-id would now be processed again; this is why retention must outlive duplicates.
        assertThat(claimAndCommit("purger", old)).isTrue();
    }

    private static long claims(String bizId) throws SQLException {
        try (Connection c = db.getConnection()) {
            return rowsOf(c, "processed_message", bizId);
        }
    }

    private static long rowsOf(Connection c, String table, String bizId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(*) from " + table + " where biz_id = ?")) {
            q.setString(1, bizId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

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

import io.onceonly.testkit.PostgresService;
import io.onceonly.testkit.WithStack;

@WithStack(scope = WithStack.Scope.JVM)
class IdempotentConsumerIT {

    private static DataSource db;
    private final IdempotentConsumer consumer = new IdempotentConsumer();

    @BeforeAll
    static void schema(PostgresService postgres) throws SQLException {
        db = postgres.dataSource();
        try (Connection c = db.getConnection()) {
            OutboxSchema.install(c);
        }
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
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    try (Connection tx = db.getConnection()) {
                        tx.setAutoCommit(false);
                        start.await(30, TimeUnit.SECONDS);
                        boolean won = consumer.claim(tx, "card-issuer", bizId);
                        // Hold the transaction open a little, so that the others really wait on it.
                        Thread.sleep(50);
                        tx.commit();
                        return won;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
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
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from processed_message where biz_id = '" + bizId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

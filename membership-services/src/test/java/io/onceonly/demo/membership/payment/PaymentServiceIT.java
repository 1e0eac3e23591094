package io.onceonly.demo.membership.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;

@WithStack
class PaymentServiceIT {

    private static DataSource db;
    private static PaymentService payments;

    @BeforeAll
    static void install(PostgresService postgres) throws SQLException {
        db = postgres.dataSource();
        try (Connection c = db.getConnection()) {
            PaymentSchema.install(c);
        }
        payments = new PaymentService(db);
    }

    @Test
    void eightConcurrentRetriesOfOneRequestChargeOnceAndAllGetTheSamePayment() throws Exception {
        payments.openAccounts(List.of("concurrent"), 10_000);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Purchase>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(pool.submit((Callable<Purchase>) () -> {
                go.await();
                return payments.purchase("req-concurrent", "concurrent", "gold", 4_900);
            }));
        }
        go.countDown();
        List<Purchase> purchases = new ArrayList<>();
        for (Future<Purchase> f : answers) {
            purchases.add(f.get());
        }
        pool.shutdown();

        assertThat(purchases).filteredOn(p -> p.outcome() == Purchase.Outcome.COMPLETED).hasSize(1);
        assertThat(purchases).filteredOn(p -> p.outcome() == Purchase.Outcome.REPLAYED).hasSize(7);
        assertThat(purchases.stream().map(Purchase::paymentId).collect(Collectors.toSet())).hasSize(1);
        assertThat(balance("concurrent")).isEqualTo(10_000 - 4_900);
        assertThat(outboxRowsOf(purchases.get(0).paymentId())).isEqualTo(1);
    }

    @Test
    void anInsufficientBalanceIsRefusedAndWritesNothing() throws Exception {
        payments.openAccounts(List.of("poor"), 1_000);
        Purchase refused = payments.purchase("req-poor", "poor", "platinum", 9_900);

        assertThat(refused.outcome()).isEqualTo(Purchase.Outcome.REFUSED);
        assertThat(refused.reason()).isEqualTo("insufficient balance");
        assertThat(balance("poor")).isEqualTo(1_000);
        assertThat(count("select count(*) from " + DemoNames.PAYMENT_SCHEMA + ".payment where request_id = 'req-poor'")).isZero();
        assertThat(payments.purchase("req-ghost", "nobody", "gold", 4_900).reason()).isEqualTo("no account nobody");
    }

    @Test
    void aRequestIdReusedForAnotherPurchaseIsRefusedByName() throws Exception {
        payments.openAccounts(List.of("reuser"), 50_000);
        payments.purchase("req-reuse", "reuser", "silver", 1_900);

        assertThatThrownBy(() -> payments.purchase("req-reuse", "reuser", "gold", 4_900))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request id req-reuse was already used for another purchase");
        assertThat(balance("reuser")).isEqualTo(50_000 - 1_900);
    }

    @Test
    void publishingAgainKeepsTheBizIdWithANewEventId() throws Exception {
        payments.openAccounts(List.of("resender"), 50_000);
        UUID payment = payments.purchase("req-resend", "resender", "silver", 1_900).paymentId();
        UUID second = payments.publishAgain(payment);

        assertThat(outboxRowsOf(payment)).isEqualTo(2);
        assertThat(count("select count(distinct id) from " + DemoNames.OUTBOX_TABLE + " where biz_id = '" + payment + "'")).isEqualTo(2);
        assertThat(Set.of(second)).doesNotContain(payment);
        assertThat(balance("resender")).isEqualTo(50_000 - 1_900);
    }

    private static long balance(String user) throws SQLException {
        return count("select balance_cents from " + DemoNames.PAYMENT_SCHEMA + ".account where user_id = '" + user + "'");
    }

    private static long outboxRowsOf(UUID payment) throws SQLException {
        return count("select count(*) from " + DemoNames.OUTBOX_TABLE + " where biz_id = '" + payment + "'");
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.onceonly.spring.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.onceonly.contracts.OutboxEvent;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.spring.outbox.TransactionalOutbox;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The example Spring Boot service on the real pipeline (connector and dedup app in this JVM, the
 * testkit's Kafka and PostgreSQL): a payment becomes exactly one card, a rolled-back payment no
 * event, a redelivered record no second card.
 */
@WithStack
class ExampleApplicationIT {

    private static Pipeline pipeline;
    private static ConfigurableApplicationContext app;
    private static JdbcTemplate jdbc;
    private static PaymentService payments;
    private static CardIssuer cards;

    @BeforeAll
    static void start(TestStack stack) throws Exception {
        pipeline = Pipeline.startDedup(stack);
        app = ExampleApplications.start(stack);
        pipeline.startConnector(stack);
        jdbc = app.getBean(JdbcTemplate.class);
        payments = app.getBean(PaymentService.class);
        cards = app.getBean(CardIssuer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aPaymentGetsExactlyOneCard() {
        UUID paymentId = UUID.randomUUID();
        payments.pay(paymentId, "user-1", 1999);

        awaitCard(paymentId);
        assertThat(cardsOf(paymentId)).isEqualTo(1);
        assertThat(cards.deliveries(paymentId.toString())).isEqualTo(1);
    }

    @Test
    void aRolledBackPaymentWritesNoEventAndGetsNoCard(TestStack stack) {
        UUID refused = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        assertThatThrownBy(() -> payments.payAndFail(refused, "user-2", 500)).isInstanceOf(IllegalStateException.class);
        // Same user, same partition: the next payment's card proves everything written before it was relayed.
        payments.pay(next, "user-2", 700);
        awaitCard(next);

        assertThat(jdbc.queryForObject("select count(*) from payment where payment_id = ?", Long.class, refused)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from outbox where biz_id = ?", Long.class, refused.toString())).isZero();
        assertThat(bizIdsOn(stack, Pipeline.EVENTS)).contains(next.toString()).doesNotContain(refused.toString());
        assertThat(cardsOf(refused)).isZero();
    }

    @Test
    void aRecordRedeliveredAfterTheCardCommittedIssuesNoSecondCard() {
        UUID paymentId = UUID.randomUUID();
        cards.crashAfterNextCommit();
        payments.pay(paymentId, "user-3", 2500);

        Await.until("the redelivery of " + paymentId + " refused by its claim", Duration.ofSeconds(60),
                () -> cards.refused(paymentId.toString()) >= 1, () -> cards.deliveries(paymentId.toString()) + " deliveries");
        assertThat(cards.deliveries(paymentId.toString())).isGreaterThanOrEqualTo(2);
        assertThat(cardsOf(paymentId)).isEqualTo(1);
    }

    @Test
    void aPaymentPublishedTwiceGetsOneCard(TestStack stack) {
        UUID paymentId = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        payments.pay(paymentId, "user-4", 900);
        payments.publishAgain(paymentId, "user-4", 900);
        payments.pay(next, "user-4", 100);
        awaitCard(next);

        assertThat(bizIdsOn(stack, Pipeline.EVENTS).stream().filter(paymentId.toString()::equals)).hasSize(2);
        assertThat(cardsOf(paymentId)).isEqualTo(1);
        assertThat(cards.deliveries(paymentId.toString())).isEqualTo(1);
    }

    @Test
    void theOutboxRefusesToWriteOutsideATransaction() {
        TransactionalOutbox outbox = app.getBean(TransactionalOutbox.class);
        String bizId = UUID.randomUUID().toString();
        OutboxEvent event = OutboxEvent.builder().aggregateType("payment").aggregateId("user-5").eventType("PaymentCompleted")
                .bizId(bizId).payloadJson("{}").build();

        assertThatThrownBy(() -> outbox.append(event)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must run inside a Spring-managed transaction");
        assertThat(jdbc.queryForObject("select count(*) from outbox where biz_id = ?", Long.class, bizId)).isZero();
    }

    private static void awaitCard(UUID paymentId) {
        Await.until("a card for payment " + paymentId, Duration.ofSeconds(90), () -> cardsOf(paymentId) > 0);
    }

    private static long cardsOf(UUID paymentId) {
        return jdbc.queryForObject("select count(*) from card where payment_id = ?", Long.class, paymentId);
    }

    private static List<String> bizIdsOn(TestStack stack, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readToEnd(stack.kafka(), topic, Duration.ofSeconds(3),
                "read_committed");
        return records.stream().map(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.BIZ_ID).orElse("")).toList();
    }
}

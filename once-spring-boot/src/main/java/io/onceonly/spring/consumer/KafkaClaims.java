package io.onceonly.spring.consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.onceonly.contracts.IdempotentConsumer;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.spring.jdbc.BoundConnection;

/**
 * The last hop's dedup for {@code @KafkaListener} methods: claims a record's biz-id in the
 * listener's database transaction and runs the effect only the first time.
 *
 * <pre>{@code
 * @KafkaListener(topics = "card.issue-requests")
 * void onPayment(ConsumerRecord<String, String> record) {
 *     claims.once(record, () -> cards.issue(read(record)));   // a redelivery does nothing
 * }
 * }</pre>
 *
 * <p>The claim ({@link IdempotentConsumer#claim}) and the effect run in one transaction of the
 * Spring {@link PlatformTransactionManager} on the claims' {@link DataSource}: the listener's own
 * when the method is {@code @Transactional}, else a new one that commits before {@code once}
 * returns. The listener container commits the record's offset only after the method returned
 * (spring-kafka's default ack modes, {@code enable.auto.commit=false}), so after the database
 * commit; a crash between the two redelivers the record and the claim refuses it. When the
 * effect throws, both roll back and the exception goes to the container, which delivers the
 * record again.
 *
 * <p>With OpenTelemetry, a span continuing the record's trace is current around claim and effect
 * ({@link OpenTelemetryDeliveryTracing}). Thread-safe.
 */
public final class KafkaClaims {

    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private final IdempotentConsumer claims;
    private final String consumerName;
    private final DeliveryTracing tracing;

    /**
     * @param consumerName the name claims are made under by {@link #once(ConsumerRecord, Runnable)}, or null when
     *     every call names its consumer
     */
    public KafkaClaims(DataSource dataSource, PlatformTransactionManager transactionManager, IdempotentConsumer claims,
                       String consumerName, DeliveryTracing tracing) {
        this.dataSource = dataSource;
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        // Joins the listener's @Transactional transaction when there is one.
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        this.transactions = template;
        this.claims = claims;
        this.consumerName = consumerName == null || consumerName.isBlank() ? null : consumerName;
        this.tracing = tracing;
    }

    /**
     * Claims the record's biz-id ({@code once-biz-id} header) under the configured consumer name
     * ({@code once.consumer.name}, else {@code spring.application.name}) and runs {@code effect}
     * in the same transaction if the claim is new.
     *
     * @return true when the effect ran and committed, false for a duplicate (nothing ran)
     * @throws IllegalStateException when no consumer name is configured
     * @throws io.onceonly.contracts.wire.InvalidHeadersException when the record has no usable Once headers
     */
    public boolean once(ConsumerRecord<?, ?> record, Runnable effect) {
        if (consumerName == null) {
            throw new IllegalStateException("KafkaClaims.once needs a consumer name: set once.consumer.name (or"
                    + " spring.application.name), or call once(consumerName, record, effect)");
        }
        return once(consumerName, record, effect);
    }

    /**
     * As {@link #once(ConsumerRecord, Runnable)}, claiming under {@code consumerName}: each consumer
     * of a topic that must act once per biz-id has its own name.
     */
    public boolean once(String consumerName, ConsumerRecord<?, ?> record, Runnable effect) {
        String bizId = EventMetadata.of(record).bizId();
        return tracing.around(record, consumerName, () -> Boolean.TRUE.equals(transactions.execute(status -> {
            if (!BoundConnection.inTransaction(dataSource, "IdempotentConsumer.claim", tx -> claims.claim(tx, consumerName, bizId))) {
                return false;
            }
            effect.run();
            return true;
        })));
    }

}

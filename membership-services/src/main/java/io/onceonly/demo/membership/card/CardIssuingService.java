package io.onceonly.demo.membership.card;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.IdempotentConsumer;
import io.onceonly.contracts.serde.JsonDeserializer;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.demo.membership.payment.PaymentCompleted;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.runtime.KafkaRefusal;

/**
 * Issues one membership card per payment. It reads the deduplicated topic with
 * {@code isolation.level=read_committed}; for each poll it claims every biz-id and inserts the
 * cards in ONE transaction of its own database, and commits the Kafka offsets only after that
 * transaction committed. A crash between the two redelivers the batch, and the claims stop the
 * second cards: the last hop of "exactly one card".
 */
public final class CardIssuingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CardIssuingService.class);

    private final DataSource db;
    private final Map<String, String> kafka;
    private final String topic;
    private final Consumer<List<UUID>> onIssued;
    private final IdempotentConsumer claims = new IdempotentConsumer(CardSchema.PROCESSED_MESSAGE);
    private final JsonDeserializer<PaymentCompleted> payloads = new JsonDeserializer<>(PaymentCompleted.class);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean crashArmed = new AtomicBoolean();
    private final AtomicBoolean holdArmed = new AtomicBoolean();
    private volatile boolean held;
    private volatile String failure;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong claimRefused = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private Thread worker;

    /**
     * @param kafka consumer settings, {@code bootstrap.servers} at least; group, isolation and
     *     commit settings are the service's own
     * @param topic the deduplicated topic of payments
     * @param onIssued told the payment ids of each committed batch of new cards, right after the commit
     */
    public CardIssuingService(DataSource db, Map<String, String> kafka, String topic, Consumer<List<UUID>> onIssued) {
        this.db = db;
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.onIssued = onIssued;
    }

    /** Starts consuming on a thread of its own. */
    public CardIssuingService start() {
        running.set(true);
        worker = new Thread(this::run, "card-issuing");
        worker.start();
        return this;
    }

    /**
     * Fault injection: after the next batch's database commit, the service "crashes" before it
     * commits the Kafka offsets: its consumer is dropped without committing, and a new one takes
     * over from the last committed offsets, as a restarted service would.
     */
    public void crashBeforeNextOffsetCommit() {
        crashArmed.set(true);
    }

    /**
     * Fault injection for a real process kill at the worst moment: after the next batch's database
     * commit, the consuming thread stops before the offset commit and stays stopped ({@link #held()}
     * says so) until the process is killed. A test then SIGKILLs it and starts it again.
     */
    public void holdBeforeNextOffsetCommit() {
        holdArmed.set(true);
    }

    /** Whether the service holds after a database commit, its offsets uncommitted (see {@link #holdBeforeNextOffsetCommit()}). */
    public boolean held() {
        return held;
    }

    private void run() {
        KafkaConsumer<byte[], byte[]> consumer = newConsumer();
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    issue(records);
                } catch (SQLException e) {
                    // Nothing was committed: drop the consumer so the batch is read again from the committed offsets.
                    LOG.warn("card database error, the batch will be redelivered: {}", e.toString());
                    consumer.close(Duration.ZERO);
                    consumer = newConsumer();
                    pause(Duration.ofSeconds(1));
                    continue;
                }
                if (crashArmed.compareAndSet(true, false)) {
                    crashes.incrementAndGet();
                    LOG.info("fault: card service crashed after its database commit, before its offset commit ({} records)",
                            records.count());
                    consumer.close(Duration.ZERO);
                    consumer = newConsumer();
                    continue;
                }
                if (holdArmed.compareAndSet(true, false)) {
                    LOG.info("fault: holding after the database commit of {} records, before their offset commit, until killed",
                            records.count());
                    held = true;
                    while (running.get()) {
                        pause(Duration.ofMillis(100));
                    }
                    // Stopped while held: leave the offsets uncommitted, as the kill this waited for would.
                    return;
                }
                consumer.commitSync(nextOffsets(records));
            }
        } catch (RuntimeException e) {
            // A refused login or a missing ACL: the sentence names the principal and the fix; a stack trace would not.
            Optional<KafkaRefusal> refusal = KafkaRefusal.in(e, kafka);
            failure = refusal.map(KafkaRefusal::message).orElse(e.toString());
            if (refusal.isPresent()) {
                LOG.error("the card service stopped: {}", failure);
            } else {
                LOG.error("the card service stopped: {}", failure, e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void issue(ConsumerRecords<byte[], byte[]> records) throws SQLException {
        List<UUID> newCards = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("insert into " + CardSchema.CARD
                    + " (card_id, payment_id, user_id, card_type) values (?, ?, ?, ?)")) {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    PaymentCompleted payment;
                    String bizId;
                    try {
                        bizId = EventMetadata.of(record).bizId();
                        payment = payloads.read(record);
                    } catch (RuntimeException e) {
                        // The dedup stage only forwards records with a biz-id; a payload we cannot read is
                        // counted and named, and the verdict will show the payment without its card.
                        unreadable.incrementAndGet();
                        LOG.error("cannot read {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    if (!claims.claim(c, DemoNames.CARD_CONSUMER, bizId)) {
                        claimRefused.incrementAndGet();
                        continue;
                    }
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, payment.paymentId());
                    insert.setString(3, payment.userId());
                    insert.setString(4, payment.cardType());
                    insert.addBatch();
                    newCards.add(payment.paymentId());
                }
                insert.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        delivered.addAndGet(records.count());
        issued.addAndGet(newCards.size());
        onIssued.accept(newCards);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, DemoNames.CARD_CONSUMER);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, DemoNames.CARD_CONSUMER);
        // Only what the dedup app's transactions committed: an aborted forward is never a card.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // The dedup app creates its output topic with its input's partition count; a consumer that asked the broker to
        // create it first would give it the broker's default instead, and under ACLs be refused (no CREATE) and stop.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the consuming thread stopped by itself, or null: a refusal of Kafka in one sentence ({@link KafkaRefusal}), or the error. */
    public String failure() {
        return failure;
    }

    /** Whether the consuming thread runs. */
    public boolean isRunning() {
        return worker != null && worker.isAlive();
    }

    /** Records handed to the service and processed (redeliveries included). */
    public long delivered() {
        return delivered.get();
    }

    /** Cards committed. */
    public long issued() {
        return issued.get();
    }

    /** Redelivered records whose biz-id was already claimed: the second cards the claim stopped. */
    public long claimRefused() {
        return claimRefused.get();
    }

    /** Injected crashes between the database commit and the offset commit. */
    public long crashes() {
        return crashes.get();
    }

    /** Records whose payload could not be read. */
    public long unreadable() {
        return unreadable.get();
    }

    /** Stops consuming; offsets of committed batches are committed, the rest is redelivered next time. */
    @Override
    public void close() {
        running.set(false);
        if (worker != null) {
            try {
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

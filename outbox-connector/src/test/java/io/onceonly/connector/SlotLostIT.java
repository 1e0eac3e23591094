package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.source.SlotLostException;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The slot dropped under a running relay while rows are written (a failover to a server without
 * the slot looks the same): the relay stops with one sentence and the recovery, and the recovery
 * relays every row that is still in the table.
 */
@WithStack
class SlotLostIT {

    private static final Logger LOG = LoggerFactory.getLogger(SlotLostIT.class);
    private static final String SLOT = "slot_lost_it";

    @Test
    void aDroppedSlotStopsTheRelayInOneSentenceAndResendTableRelaysEveryRowStillInTheTable(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        Map<String, String> options = ConnectorFixture.options(stack, SLOT, Map.of("heartbeat.interval.ms", "500"));
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "lost");
        List<OutboxLoad.Written> early = load.write(200, 10, 2, 5);
        OutboxConnector first = new OutboxConnector(ConnectorFixture.config(options)).start();
        try {
            assertThat(TopicReader.read(stack.kafka(), "outbox.lost", early.size(), Duration.ofSeconds(60), Duration.ZERO)).hasSize(200);
            Thread.sleep(1_500); // a position is saved (offset.flush.interval.ms = 1 s)

            CompletableFuture<List<OutboxLoad.Written>> writers = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.write(2_000, 10, 4, 5, 2);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            dropSlotUnderTheRelay(stack);

            ExecutionException failure = null;
            try {
                first.finished().get(90, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e;
            }
            assertThat(failure).as("the relay must stop when its slot is gone").isNotNull();
            assertThat(failure.getCause()).isInstanceOf(SlotLostException.class);
            String message = failure.getCause().getMessage();
            LOG.info("the relay said: {}", message);
            assertThat(message).doesNotContain("\n").contains("replication slot " + SLOT).contains("saved position is LSN{")
                    .contains("slot.lost.recovery=resend-table").contains("delete-after-insert");
            assertThat(first.health().up()).isFalse();
            writers.get(2, TimeUnit.MINUTES);
        } finally {
            first.close();
        }

        Map<String, String> recovering = new java.util.LinkedHashMap<>(options);
        recovering.put("slot.lost.recovery", "resend-table");
        try (OutboxConnector second = new OutboxConnector(ConnectorFixture.config(recovering)).start()) {
            List<OutboxLoad.Written> written = load.committed();
            Set<UUID> expected = new HashSet<>();
            written.forEach(w -> expected.add(w.id()));
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.lost",
                    early.size() + written.size(), Duration.ofSeconds(120), Duration.ofSeconds(3));
            Set<UUID> seen = new HashSet<>();
            records.forEach(r -> seen.add(EventMetadata.of(r).eventId()));
            expected.removeAll(seen);
            LOG.info("{} rows committed, {} records on Kafka after the recovery, {} distinct", written.size(), records.size(), seen.size());
            assertThat(expected).as("committed rows never relayed").isEmpty();
        }
    }

    // A failover or an operator: end the relay's WAL sender and drop the slot before it reconnects.
    private static void dropSlotUnderTheRelay(TestStack stack) throws Exception {
        try (Connection c = stack.postgres().dataSource().getConnection();
             PreparedStatement kill = c.prepareStatement("select pg_terminate_backend(active_pid) from pg_replication_slots"
                     + " where slot_name = ? and active_pid is not null");
             PreparedStatement drop = c.prepareStatement("select pg_drop_replication_slot(?)")) {
            kill.setString(1, SLOT);
            drop.setString(1, SLOT);
            // The relay may reconnect between the two statements; then the slot is active again: retry.
            Await.until("slot " + SLOT + " dropped", Duration.ofSeconds(60), () -> {
                if (!slotExists(c)) {
                    return true;
                }
                kill.executeQuery().close();
                drop.execute();
                LOG.info("dropped slot {}", SLOT);
                return true;
            });
        }
    }

    private static boolean slotExists(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
            q.setString(1, SLOT);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * WAL piles up behind a slot nobody confirms (here: heartbeats off, only another table
     * written): /health turns DEGRADED with the figures and a sentence, and UP again once the relay
     * confirms past it.
     */
    @Test
    void walPilingUpBehindTheSlotTurnsHealthDegradedAndBackOnceTheRelayConfirms(TestStack stack) throws Exception {
        ConnectorFixture.installOutbox(stack.postgres());
        ConnectorFixture.sql(stack.postgres(), "create table if not exists wal_noise (filler text)");
        OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "walpile");
        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(ConnectorFixture.options(stack, "walpile_it",
                Map.of("heartbeat.interval.ms", "0", "slot.retained.wal.warn.bytes", Long.toString(4L << 20))))).start()) {
            load.write(10, 2, 1, 5);
            Await.until("10 relayed", Duration.ofSeconds(60), () -> connector.metrics().relayedCount() >= 10);
            Await.until("the slot's figures read", Duration.ofSeconds(30), () -> slot(connector).get("retainedWalBytes") != null);
            assertThat(connector.health().status()).isEqualTo("UP");

            // About 15 MB of WAL (random, so not compressed away) the slot must keep: the outbox sees none of it, so nothing is confirmed.
            ConnectorFixture.sql(stack.postgres(), "insert into wal_noise select md5(random()::text) || md5(random()::text) from generate_series(1, 100000)");
            Await.until("DEGRADED", Duration.ofSeconds(30), () -> connector.health().status().equals("DEGRADED"), () -> slot(connector));
            Map<String, Object> slot = slot(connector);
            LOG.info("slot while WAL piles up: {}", slot);
            assertThat(((Number) slot.get("retainedWalBytes")).longValue()).isGreaterThan(4L << 20);
            assertThat(((Number) slot.get("confirmedLagBytes")).longValue()).isGreaterThan(4L << 20);
            assertThat(slot.get("walStatus")).isEqualTo("reserved");
            assertThat((String) slot.get("warning")).contains("walpile_it", "slot.retained.wal.warn.bytes=4194304");
            assertThat(connector.registry().scrape()).containsPattern("once_connector_slot_retained_wal_bytes [0-9.E]+")
                    .contains("once_connector_slot_wal_status{status=\"reserved\"} 1.0");

            // An outbox row after a checkpoint: the relay confirms past the WAL, and the server lets the slot's restart move.
            Await.until("UP again", Duration.ofSeconds(90), () -> {
                ConnectorFixture.sql(stack.postgres(), "checkpoint");
                load.write(1, 1, 1, 1);
                return connector.health().status().equals("UP");
            }, () -> slot(connector));
            LOG.info("slot after the relay confirmed: {}", slot(connector));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> slot(OutboxConnector connector) {
        return (Map<String, Object>) connector.health().details().get("slot");
    }
}

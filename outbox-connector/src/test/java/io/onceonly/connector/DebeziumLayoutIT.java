package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * A table laid out for Debezium's own outbox router, relayed through the column mapping; rows
 * committed before the connector's very first start are relayed too (snapshot.mode=initial), and
 * rows such a lenient table lets through (null biz-id, text that is not JSON) become dead letters.
 */
@WithStack
class DebeziumLayoutIT {

    @Test
    void aDebeziumStyleTableIsRelayedThroughTheColumnMapping(TestStack stack) throws Exception {
        ConnectorFixture.sql(stack.postgres(),
                "create table dbz_outbox (id uuid primary key, aggregatetype varchar(255), aggregateid varchar(255),"
                        + " type varchar(255), payload text)",
                "insert into dbz_outbox values"
                        + " ('00000000-0000-7000-8000-000000000001', 'order', 'o-1', 'OrderPlaced', '{\"n\":1}'),"
                        + " ('00000000-0000-7000-8000-000000000002', 'order', 'o-2', 'OrderPlaced', '{\"n\":2}'),"
                        + " ('00000000-0000-7000-8000-000000000003', 'order', 'o-3', 'OrderPlaced', 'not json'),"
                        + " ('00000000-0000-7000-8000-000000000004', 'order', null, 'OrderPlaced', '{\"n\":4}')");
        Map<String, String> mapping = new HashMap<>();
        mapping.put("outbox.table", "public.dbz_outbox");
        mapping.put("outbox.column.aggregate-type", "aggregatetype");
        mapping.put("outbox.column.aggregate-id", "aggregateid");
        mapping.put("outbox.column.event-type", "type");
        mapping.put("outbox.column.biz-id", "aggregateid");
        mapping.put("outbox.column.headers", "");
        mapping.put("outbox.column.created-at", "");
        mapping.put("topic.prefix", "dbz.");
        mapping.put("dead-letter.topic", "dbz.dead-letter");

        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(
                ConnectorFixture.options(stack, "dbz_layout_it", mapping))).start()) {
            ConnectorFixture.sql(stack.postgres(), "insert into dbz_outbox values"
                    + " ('00000000-0000-7000-8000-000000000005', 'order', 'o-5', 'OrderShipped', '{\"n\":5}')");

            List<ConsumerRecord<byte[], byte[]>> relayed = TopicReader.read(stack.kafka(), "dbz.order", 3,
                    Duration.ofSeconds(60), Duration.ofSeconds(2));
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(stack.kafka(), "dbz.dead-letter", 2,
                    Duration.ofSeconds(30), Duration.ofSeconds(1));

            assertThat(relayed).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("o-1", "o-2", "o-5");
            assertThat(relayed).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":5}");
            EventMetadata first = EventMetadata.of(relayed.get(0));
            assertThat(first.bizId()).isEqualTo("o-1");
            assertThat(first.eventType()).isEqualTo("OrderPlaced");
            assertThat(first.aggregateType()).isEqualTo("order");
            assertThat(first.eventId().toString()).isEqualTo("00000000-0000-7000-8000-000000000001");
            // No created-at column: the commit time stands in.
            assertThat(first.createdAt().toEpochMilli()).isPositive();

            assertThat(dead).extracting(r -> OnceHeaders.lastText(r.headers(), OnceHeaders.ERROR).orElseThrow())
                    .anySatisfy(reason -> assertThat(reason).contains("payload (column payload) is not JSON"))
                    .anySatisfy(reason -> assertThat(reason).contains("biz-id (column aggregateid) is null"));
        }
    }

    @Test
    void aMappedColumnMissingFromTheTableIsNamedAtStart(TestStack stack) throws Exception {
        ConnectorFixture.sql(stack.postgres(), "create table if not exists thin_outbox (id uuid primary key, payload jsonb)");
        Map<String, String> options = ConnectorFixture.options(stack, "thin_it", Map.of("outbox.table", "public.thin_outbox"));

        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(connector::start)
                    .hasMessageContaining("outbox.column.aggregate-type")
                    .hasMessageContaining("aggregate_type")
                    .hasMessageContaining("is not a column of public.thin_outbox");
        }
    }
}

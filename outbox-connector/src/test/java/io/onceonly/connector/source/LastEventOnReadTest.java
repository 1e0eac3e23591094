package io.onceonly.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.debezium.config.Configuration;
import io.debezium.connector.base.ChangeEventQueueMetrics;
import io.debezium.connector.common.CdcSourceTaskContext;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.metrics.DefaultStreamingChangeEventSourceMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.relational.TableId;
import io.debezium.spi.schema.DataCollectionId;

/** Debezium's streaming metrics with {@link LastEventOnRead}: counted as before, summarised only when read. */
class LastEventOnReadTest {

    private static final TableId OUTBOX = new TableId("db", "public", "outbox");
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();

    private final AtomicInteger summaries = new AtomicInteger();
    private final DefaultStreamingChangeEventSourceMetrics<PostgresPartition> metrics = streamingMetrics(new Summaries(summaries));

    @AfterEach
    void unregister() {
        metrics.unregister();
    }

    @Test
    void summarisesTheLastChangeOnlyWhenReadAndKeepsTheCounts() throws Exception {
        change("before-the-swap", Operation.CREATE);
        assertThat(summaries).as("Debezium's own meter summarises each change").hasValue(1);

        LastEventOnRead.replace(metrics);
        for (int i = 0; i < 1_000; i++) {
            change("row-" + i, i % 10 == 0 ? Operation.UPDATE : Operation.CREATE);
        }

        assertThat(summaries).as("no summary while changes flow").hasValue(1);
        assertThat(metrics.getLastEvent()).isEqualTo("summary of Struct{id=row-999}");
        assertThat(summaries).hasValue(2);
        // Counted by Debezium's code into the counters it had before the swap.
        assertThat(metrics.getTotalNumberOfEventsSeen()).isEqualTo(1_001);
        assertThat(metrics.getTotalNumberOfCreateEventsSeen()).isEqualTo(901);
        assertThat(metrics.getTotalNumberOfUpdateEventsSeen()).isEqualTo(100);
        assertThat(metrics.getMilliSecondsSinceLastEvent()).isBetween(0L, 60_000L);
    }

    @Test
    void resetForgetsTheLastChange() throws Exception {
        LastEventOnRead.replace(metrics);
        change("row", Operation.CREATE);

        metrics.reset();

        assertThat(metrics.getLastEvent()).isNull();
        assertThat(metrics.getTotalNumberOfEventsSeen()).isZero();
        change("next", Operation.CREATE);
        assertThat(metrics.getLastEvent()).isEqualTo("summary of Struct{id=next}");
        assertThat(metrics.getTotalNumberOfEventsSeen()).isEqualTo(1);
    }

    @Test
    void aSecondSwapKeepsTheFirst() throws Exception {
        LastEventOnRead.replace(metrics);
        LastEventOnRead.replace(metrics);
        change("row", Operation.CREATE);

        assertThat(metrics.getLastEvent()).isEqualTo("summary of Struct{id=row}");
        assertThat(metrics.getTotalNumberOfEventsSeen()).isEqualTo(1);
    }

    private void change(String id, Operation operation) {
        metrics.onEvent(null, OUTBOX, null, new Struct(KEY).put("id", id), null, operation);
    }

    private static DefaultStreamingChangeEventSourceMetrics<PostgresPartition> streamingMetrics(EventMetadataProvider provider) {
        Configuration config = Configuration.from(Map.of("topic.prefix", "last-event-test", "database.hostname", "localhost"));
        CdcSourceTaskContext<PostgresConnectorConfig> context = new CdcSourceTaskContext<>(config, new PostgresConnectorConfig(config), Map.of());
        ChangeEventQueueMetrics queue = new ChangeEventQueueMetrics() {
            @Override
            public int totalCapacity() {
                return 1;
            }

            @Override
            public int remainingCapacity() {
                return 1;
            }

            @Override
            public long maxQueueSizeInBytes() {
                return 0;
            }

            @Override
            public long currentQueueSizeInBytes() {
                return 0;
            }
        };
        return new DefaultStreamingChangeEventSourceMetrics<>(context, queue, provider, () -> List.of(OUTBOX));
    }

    /** Debezium's provider contract, counting the summaries it renders. */
    private record Summaries(AtomicInteger rendered) implements EventMetadataProvider {

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            rendered.incrementAndGet();
            return "summary of " + key;
        }

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null;
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return Map.of();
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null;
        }
    }
}

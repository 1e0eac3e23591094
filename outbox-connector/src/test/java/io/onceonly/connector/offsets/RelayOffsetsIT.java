package io.onceonly.connector.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.debezium.embedded.EmbeddedWorkerConfig;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/** The connector's position store on a real broker, also while the broker is away. */
@WithStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayOffsetsIT {

    private static final ByteBuffer KEY = text("[\"once\",{\"server\":\"once\"}]");

    @Test
    @Order(1)
    void aSavedPositionIsReadBackByTheNextStart(TestStack stack) throws Exception {
        RelayOffsets first = started(stack, "positions-a");
        first.set(Map.of(KEY, text("{\"lsn\":1}")), (e, v) -> { }).get(30, TimeUnit.SECONDS);
        first.set(Map.of(KEY, text("{\"lsn\":2}")), (e, v) -> { }).get(30, TimeUnit.SECONDS);
        first.stop();

        RelayOffsets next = started(stack, "positions-a");
        assertThat(next.get(List.of(KEY)).get(1, TimeUnit.SECONDS)).containsEntry(KEY, text("{\"lsn\":2}"));
        assertThat(next.connectorPartitions("once")).containsExactly(Map.of("server", "once"));
        next.stop();
    }

    @Test
    @Order(2)
    void aTopicThatDeletesByTimeIsRefusedNamingTheFix(TestStack stack) {
        stack.kafka().createTopic("positions-delete", 1, Map.of("cleanup.policy", "delete"));
        RelayOffsets store = configured(stack, "positions-delete");
        assertThatThrownBy(store::start)
                .hasMessageContaining("positions-delete")
                .hasMessageContaining("cleanup.policy=delete")
                .hasMessageContaining("--add-config cleanup.policy=compact");
    }

    @Test
    @Order(3)
    void whileKafkaIsAwayTheSavedPositionIsAnsweredAtOnceAndAnUnacknowledgedOneIsNotSaved(TestStack stack) throws Exception {
        RelayOffsets store = started(stack, "positions-outage");
        store.set(Map.of(KEY, text("{\"lsn\":10}")), (e, v) -> { }).get(30, TimeUnit.SECONDS);
        KafkaBroker broker = (KafkaBroker) stack.kafka();
        broker.stop();
        try {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            Future<Void> write = store.set(Map.of(KEY, text("{\"lsn\":11}")), (e, v) -> failed.complete(e));

            long asked = System.nanoTime();
            Map<ByteBuffer, ByteBuffer> answer = store.get(List.of(KEY)).get(1, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(1));
            assertThat(answer).as("the last acknowledged position, not the one in flight").containsEntry(KEY, text("{\"lsn\":10}"));

            assertThat(failed.get(30, TimeUnit.SECONDS)).as("the write fails after the delivery timeout").isNotNull();
            assertThat(write).isDone();
            assertThat(store.get(List.of(KEY)).get(1, TimeUnit.SECONDS)).containsEntry(KEY, text("{\"lsn\":10}"));
        } finally {
            broker.start();
            store.stop();
        }
    }

    private static RelayOffsets started(TestStack stack, String topic) {
        RelayOffsets store = configured(stack, topic);
        store.start();
        return store;
    }

    private static RelayOffsets configured(TestStack stack, String topic) {
        Map<String, String> props = new HashMap<>();
        props.put(RelayOffsets.TOPIC, topic);
        props.put(RelayOffsets.REPLICATION_FACTOR, "1");
        props.put(RelayOffsets.READ_TIMEOUT_MS, "30000");
        props.put(RelayOffsets.CLIENT + "bootstrap.servers", stack.kafka().bootstrapServers());
        props.put(RelayOffsets.CLIENT + "delivery.timeout.ms", "5000");
        props.put(RelayOffsets.CLIENT + "request.timeout.ms", "2000");
        props.put(RelayOffsets.CLIENT + "max.block.ms", "2000");
        WorkerConfig config = new EmbeddedWorkerConfig(props);
        RelayOffsets store = new RelayOffsets();
        store.configure(config);
        return store;
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}

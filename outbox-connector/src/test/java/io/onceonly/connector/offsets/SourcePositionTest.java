package io.onceonly.connector.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.apache.kafka.connect.util.Callback;
import org.junit.jupiter.api.Test;

/** The exactly-once relay's position record is byte for byte what the engine's OffsetStorageWriter writes. */
class SourcePositionTest {

    @Test
    void keyAndValueAreWhatKafkaConnectsOffsetStorageWriterWrites() throws Exception {
        Map<String, Object> partition = Map.of("server", "once-outbox-connector");
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("lsn_proc", 123456789L);
        offset.put("lsn_commit", 123456700L);
        offset.put("lsn", 123456789L);
        offset.put("txId", 991L);
        offset.put("ts_usec", 1_700_000_000_000_000L);
        offset.put("messageType", "INSERT");

        Map<ByteBuffer, ByteBuffer> written = new HashMap<>();
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "false"), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        OffsetStorageWriter writer = new OffsetStorageWriter(capturing(written), "once-outbox-connector", keys, values);
        writer.offset(partition, offset);
        assertThat(writer.beginFlush()).isTrue();
        writer.doFlush((error, result) -> { }).get();

        SourcePosition position = new SourcePosition("once-outbox-connector", partition, offset);
        assertThat(written).containsExactly(Map.entry(ByteBuffer.wrap(position.key()), ByteBuffer.wrap(position.value())));
    }

    private static OffsetBackingStore capturing(Map<ByteBuffer, ByteBuffer> written) {
        return new OffsetBackingStore() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }

            @Override
            public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
                return CompletableFuture.completedFuture(Map.of());
            }

            @Override
            public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
                written.putAll(values);
                callback.onCompletion(null, null);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Set<Map<String, Object>> connectorPartitions(String connectorName) {
                return Set.of();
            }

            @Override
            public void configure(WorkerConfig config) {
            }
        };
    }
}

package io.onceonly.connector.offsets;

import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

/**
 * A position in the replication stream as the offsets topic holds it, byte for byte as Kafka
 * Connect's {@code OffsetStorageWriter} writes it (key {@code [engineName, partition]}, value the
 * offset map, JSON without schemas): the exactly-once relay writes it itself, in the transaction
 * of the batch it ends, and {@link RelayOffsets} must find it under the key the engine asks for.
 *
 * @param engineName the {@code name} given to the Debezium engine (the key's namespace)
 * @param partition the last record's source partition
 * @param offset the last record's source offset
 */
public record SourcePosition(String engineName, Map<String, ?> partition, Map<String, ?> offset) {

    private static final JsonConverter KEYS = converter(true);
    private static final JsonConverter VALUES = converter(false);

    private static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), isKey);
        return converter;
    }

    /** The record key in the offsets topic. */
    public byte[] key() {
        return KEYS.fromConnectData(engineName, null, Arrays.asList(engineName, partition));
    }

    /** The record value in the offsets topic. */
    public byte[] value() {
        return VALUES.fromConnectData(engineName, null, offset);
    }
}

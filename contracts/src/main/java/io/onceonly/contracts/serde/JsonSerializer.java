package io.onceonly.contracts.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes values as JSON bytes (UTF-8); {@code null} stays {@code null} (a tombstone).
 *
 * @param <T> the value type
 */
public final class JsonSerializer<T> implements Serializer<T> {

    private final ObjectMapper mapper;

    /** A serializer with {@link JsonSerde#defaultMapper()}. */
    public JsonSerializer() {
        this(JsonSerde.defaultMapper());
    }

    /** A serializer with the caller's mapper. */
    public JsonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new JsonPayloadException("cannot write a " + data.getClass().getName() + " as JSON for topic "
                    + topic + ": " + e.getOriginalMessage(), e);
        }
    }
}

package io.onceonly.contracts.serde;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads JSON bytes into {@code T}; {@code null} bytes give {@code null}.
 *
 * @param <T> the value type
 */
public final class JsonDeserializer<T> implements Deserializer<T> {

    private final ObjectMapper mapper;
    private final JavaType type;

    /** A deserializer of {@code type} with {@link JsonSerde#defaultMapper()}. */
    public JsonDeserializer(Class<T> type) {
        this(JsonSerde.defaultMapper(), type);
    }

    /** A deserializer of {@code type} with the caller's mapper. */
    public JsonDeserializer(ObjectMapper mapper, Class<T> type) {
        this(mapper, mapper.constructType(type));
    }

    JsonDeserializer(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    JavaType type() {
        return type;
    }

    /**
     * @throws JsonPayloadException naming the topic and the reason; a Kafka consumer wraps it in a
     *     {@code RecordDeserializationException} that names partition and offset
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        return read(data, "topic " + topic);
    }

    /**
     * Reads the value of a record consumed as bytes.
     *
     * @throws JsonPayloadException naming topic, partition, offset and the reason
     */
    public T read(ConsumerRecord<?, byte[]> record) {
        return read(record.value(), "topic " + record.topic() + " partition " + record.partition()
                + " offset " + record.offset());
    }

    private T read(byte[] data, String where) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.readValue(data, type);
        } catch (JsonProcessingException e) {
            throw new JsonPayloadException("cannot read the value at " + where + " as " + type.toCanonical()
                    + ": " + e.getOriginalMessage() + " (at byte " + e.getLocation().getByteOffset() + " of " + data.length + ")", e);
        } catch (IOException e) {
            throw new JsonPayloadException("cannot read the value at " + where + " as " + type.toCanonical() + ": " + e, e);
        }
    }
}

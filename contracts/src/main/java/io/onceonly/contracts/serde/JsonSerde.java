package io.onceonly.contracts.serde;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.common.serialization.Serde;

/**
 * Jackson JSON {@link Serde} for Kafka clients and Kafka Streams.
 *
 * <p>The default mapper ignores unknown properties, so a consumer keeps reading when producers add
 * fields to an event. A payload that cannot be read fails with a {@link JsonPayloadException} that
 * names the topic (the Kafka consumer then adds partition and offset in its
 * {@link org.apache.kafka.common.errors.RecordDeserializationException}); use
 * {@link JsonDeserializer#read(org.apache.kafka.clients.consumer.ConsumerRecord)} on raw records to
 * get all three at once.
 *
 * @param <T> the payload type
 */
public final class JsonSerde<T> implements Serde<T> {

    private final JsonSerializer<T> serializer;
    private final JsonDeserializer<T> deserializer;

    /** A serde of {@code type} with the default mapper. */
    public JsonSerde(Class<T> type) {
        this(defaultMapper(), defaultMapper().constructType(type));
    }

    /** A serde of a generic type, for example {@code new TypeReference<List<Payment>>() {}}. */
    public JsonSerde(TypeReference<T> type) {
        this(defaultMapper(), defaultMapper().constructType(type));
    }

    /** A serde of {@code type} with the caller's mapper (shared, not copied: do not reconfigure it afterwards). */
    public JsonSerde(ObjectMapper mapper, Class<T> type) {
        this(mapper, mapper.constructType(type));
    }

    private JsonSerde(ObjectMapper mapper, JavaType type) {
        this.serializer = new JsonSerializer<>(mapper);
        this.deserializer = new JsonDeserializer<>(mapper, type);
    }

    /** A new mapper with Once's defaults: unknown properties are ignored. */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public JsonSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public JsonDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public String toString() {
        return "JsonSerde{" + deserializer.type() + "}";
    }
}

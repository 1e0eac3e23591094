package io.onceonly.dedup.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * A value leaving {@link DedupProcessor} with the topic the processor chose for it: the sinks'
 * topic-name extractor reads the topic, their serializer writes only the bytes, so the record
 * produced is exactly the record read.
 *
 * @param topic the destination topic
 * @param value the record's value as read (null for a tombstone or a dead letter without its value)
 */
record Addressed(String topic, byte[] value) {

    /** The extractor of a sink whose topic the processor chooses per record. */
    static final TopicNameExtractor<byte[], Addressed> TOPIC = (key, addressed, context) -> addressed.topic();

    /** Writes the value only; nothing reads an {@code Addressed} back. */
    static Serde<Addressed> serde() {
        return Serdes.serdeFrom((topic, addressed) -> addressed == null ? null : addressed.value(), (topic, bytes) -> {
            throw new UnsupportedOperationException("an addressed value is only written");
        });
    }
}

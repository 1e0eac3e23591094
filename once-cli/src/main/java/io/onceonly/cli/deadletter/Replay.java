package io.onceonly.cli.deadletter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import io.onceonly.cli.kafka.RecordAddress;

/**
 * A dead letter's way back, decided before anything is written.
 *
 * @param from the dead letter
 * @param target the topic it goes to: the outbox topic it belongs on, or with {@code --force} that topic's output
 * @param bypassed with {@code --force}, what the replay goes around, in words; else null
 * @param repaired whether the value was replaced ({@code --value-file})
 */
public record Replay(RecordAddress from, String target, byte[] key, byte[] value, Headers headers, String bizId,
                     String eventId, String bypassed, boolean repaired) {

    /** Whether the replay goes around the dedup stage. */
    public boolean forced() {
        return bypassed != null;
    }

    /** The record to write. */
    public ProducerRecord<byte[], byte[]> record() {
        return new ProducerRecord<>(target, null, key, value, headers);
    }
}

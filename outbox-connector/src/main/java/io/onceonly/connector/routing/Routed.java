package io.onceonly.connector.routing;

import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;

/** What the router decided for one change event. */
public sealed interface Routed {

    /** A valid outbox row: the record for its topic, and when the row was created (for the lag metric). */
    record Relay(ProducerRecord<byte[], byte[]> record, Instant createdAt) implements Routed {
    }

    /** A row that cannot be routed: the record for the dead-letter topic, carrying the reason. */
    record DeadLetter(ProducerRecord<byte[], byte[]> record, String reason) implements Routed {
    }

    /** Not an outbox insert (update, delete, heartbeat, another table): nothing to send, only its position to commit. */
    record Skip() implements Routed {
    }
}

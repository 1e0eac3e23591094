package io.onceonly.dedup;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether the instance does its work: Kafka Streams RUNNING, or REBALANCING after it was RUNNING
 * once. The first REBALANCING follows the start at once, before any partition is assigned or any
 * store restored, so it does not count.
 */
final class StreamsHealth {

    private volatile boolean wasRunning;

    /** Called by the state listener. */
    void entered(KafkaStreams.State state) {
        if (state == KafkaStreams.State.RUNNING) {
            wasRunning = true;
        }
    }

    boolean up(KafkaStreams.State now) {
        return wasRunning && (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.REBALANCING);
    }
}

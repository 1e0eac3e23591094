package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class StreamsHealthTest {

    @Test
    void upOnlyOnceRunningThenAlsoWhileRebalancing() {
        StreamsHealth health = new StreamsHealth();
        health.entered(State.REBALANCING);
        assertThat(health.up(State.CREATED)).isFalse();
        assertThat(health.up(State.REBALANCING)).as("the rebalance right after the start").isFalse();

        health.entered(State.RUNNING);
        assertThat(health.up(State.RUNNING)).isTrue();
        health.entered(State.REBALANCING);
        assertThat(health.up(State.REBALANCING)).isTrue();
        health.entered(State.ERROR);
        assertThat(health.up(State.ERROR)).isFalse();
        assertThat(health.up(State.PENDING_SHUTDOWN)).isFalse();
    }
}

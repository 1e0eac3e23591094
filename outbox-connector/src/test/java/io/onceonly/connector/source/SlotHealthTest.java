package io.onceonly.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class SlotHealthTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SlotHealth health = new SlotHealth(registry, "once_outbox", 1_000);

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double status(String status) {
        return registry.get("once.connector.slot.wal.status").tag("status", status).gauge().value();
    }

    @Test
    void beforeTheFirstReadingTheFiguresAreUnknownAndNothingIsWrong() {
        assertThat(gauge("once.connector.slot.retained.wal.bytes")).isNaN();
        assertThat(health.degraded()).isFalse();
        assertThat(health.details()).containsEntry("retainedWalBytes", null);
    }

    @Test
    void theReadingShowsOnTheMetersAndInTheDetails() {
        health.update(new SlotRetention(800, 300, "reserved"));
        assertThat(gauge("once.connector.slot.retained.wal.bytes")).isEqualTo(800);
        assertThat(gauge("once.connector.slot.confirmed.lag.bytes")).isEqualTo(300);
        assertThat(status("reserved")).isEqualTo(1);
        assertThat(status("lost")).isZero();
        assertThat(health.degraded()).isFalse();
        assertThat(health.details()).containsEntry("retainedWalBytes", 800L).containsEntry("walStatus", "reserved")
                .doesNotContainKey("warning");
    }

    @Test
    void moreRetainedWalThanTheThresholdIsDegradedWithASentenceNamingTheOption() {
        health.update(new SlotRetention(1_001, 1_001, "reserved"));
        assertThat(health.degraded()).isTrue();
        assertThat((String) health.details().get("warning")).contains("once_outbox", "1001 bytes", "slot.retained.wal.warn.bytes=1000");
    }

    @Test
    void walAtRiskOrGoneIsDegradedWhateverItsSize() {
        health.update(new SlotRetention(10, 10, "unreserved"));
        assertThat(health.degraded()).isTrue();
        health.update(new SlotRetention(0, 0, "lost"));
        assertThat(health.degraded()).isTrue();
        assertThat(status("lost")).isEqualTo(1);
        assertThat(status("unreserved")).isZero();
    }

    @Test
    void zeroWarnsOnlyOnTheWalStatus() {
        SlotHealth statusOnly = new SlotHealth(new SimpleMeterRegistry(), "s", 0);
        statusOnly.update(new SlotRetention(Long.MAX_VALUE, 0, "extended"));
        assertThat(statusOnly.degraded()).isFalse();
    }

    @Test
    void anUnreadableSlotBlanksTheFigures() {
        health.update(new SlotRetention(5_000, 5_000, "reserved"));
        health.update(null);
        assertThat(health.degraded()).isFalse();
        assertThat(gauge("once.connector.slot.retained.wal.bytes")).isNaN();
    }
}

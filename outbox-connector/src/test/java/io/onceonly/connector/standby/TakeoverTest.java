package io.onceonly.connector.standby;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.source.SlotOccupancy;

class TakeoverTest {

    private final Takeover takeover = new Takeover(Duration.ofSeconds(10));

    @Test
    void aFreeOrMissingSlotIsStartedAtOnce() {
        assertThat(takeover.decide(SlotOccupancy.free(1234))).isEqualTo(Takeover.Verdict.START);
        assertThat(takeover.decide(SlotOccupancy.free(-1))).isEqualTo(Takeover.Verdict.START);
        assertThat(takeover.reason(SlotOccupancy.free(1))).contains("free");
    }

    @Test
    void aLiveHolderIsWaitedFor() {
        SlotOccupancy live = new SlotOccupancy(4711, Duration.ofMillis(900), 10);
        assertThat(takeover.decide(live)).isEqualTo(Takeover.Verdict.WAIT);
        assertThat(takeover.reason(live)).contains("pid 4711").contains("900 ms");
        assertThat(takeover.decide(new SlotOccupancy(4711, Duration.ofSeconds(10), 10))).as("at the limit, not over it")
                .isEqualTo(Takeover.Verdict.WAIT);
    }

    @Test
    void aHolderSilentForLongerThanTheLimitIsEnded() {
        SlotOccupancy silent = new SlotOccupancy(4711, Duration.ofMillis(10_001), 10);
        assertThat(takeover.decide(silent)).isEqualTo(Takeover.Verdict.END_SILENT_HOLDER);
        assertThat(takeover.reason(silent)).contains("pid 4711").contains("10001 ms").contains("standby.takeover.after.ms=10000");
    }

    @Test
    void zeroNeverEndsTheHolder() {
        Takeover never = new Takeover(Duration.ZERO);
        assertThat(never.decide(new SlotOccupancy(4711, Duration.ofMinutes(5), 10))).isEqualTo(Takeover.Verdict.WAIT);
        assertThat(never.decide(SlotOccupancy.free(10))).isEqualTo(Takeover.Verdict.START);
    }
}

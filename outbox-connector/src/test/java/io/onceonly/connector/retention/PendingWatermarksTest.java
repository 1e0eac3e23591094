package io.onceonly.connector.retention;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingWatermarksTest {

    private static final int HOLDER = 4242;
    private static final long STARTED = 1_700_000_000_000_000L;

    private static RelayedWatermark at(long xmin, long walLsn, long confirmedLsn) {
        return new RelayedWatermark(xmin, walLsn, HOLDER, STARTED, confirmedLsn);
    }

    @Test
    void aWatermarkIsProvenOnlyOnceTheSlotConfirmedStrictlyPastIt() {
        PendingWatermarks pending = new PendingWatermarks(10);
        assertThat(pending.offer(at(100, 5_000, 4_000))).as("nothing to prove yet").isEqualTo(PendingWatermarks.NONE);
        assertThat(pending.offer(at(110, 6_000, 5_000))).as("confirmed exactly at the watermark: not past it").isEqualTo(PendingWatermarks.NONE);
        assertThat(pending.offer(at(120, 7_000, 5_001))).as("past the first").isEqualTo(100);
        assertThat(pending.offer(at(130, 8_000, 7_500))).as("past the second and third: the newest counts").isEqualTo(120);
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void aProofStaysWhenTheRelayFallsBehindOrItsWalsenderChanges() {
        PendingWatermarks pending = new PendingWatermarks(10);
        pending.offer(at(100, 5_000, 4_000));
        assertThat(pending.offer(at(105, 5_500, 5_200))).isEqualTo(100);
        // A new walsender (a restart, a takeover, a slot created again): pending watermarks can no longer be proven.
        RelayedWatermark other = new RelayedWatermark(140, 9_000, 777, STARTED + 1, 99_999);
        assertThat(pending.offer(other)).as("the earlier proof holds, nothing new is proven").isEqualTo(100);
        assertThat(pending.size()).as("only the new walsender's watermark waits").isEqualTo(1);
        assertThat(pending.offer(new RelayedWatermark(150, 9_500, 777, STARTED + 1, 9_001))).isEqualTo(140);
    }

    @Test
    void theSameProcessIdOfAnotherWalsenderProvesNothing() {
        PendingWatermarks pending = new PendingWatermarks(10);
        pending.offer(at(100, 5_000, 4_000));
        RelayedWatermark reusedPid = new RelayedWatermark(120, 9_000, HOLDER, STARTED + 5, 9_999);
        assertThat(pending.offer(reusedPid)).isEqualTo(PendingWatermarks.NONE);
    }

    @Test
    void noWatermarkIsKeptWhileNobodyStreamsTheSlot() {
        PendingWatermarks pending = new PendingWatermarks(10);
        RelayedWatermark unheld = new RelayedWatermark(100, 5_000, 0, 0, 4_000);
        pending.offer(unheld);
        assertThat(pending.size()).isZero();
        assertThat(unheld.confirmedBy(new RelayedWatermark(110, 6_000, 0, 0, 99_999))).isFalse();
        assertThat(pending.offer(new RelayedWatermark(110, 6_000, 0, 0, 99_999))).isEqualTo(PendingWatermarks.NONE);
    }

    @Test
    void aFullQueueKeepsTheOlderWatermarks() {
        PendingWatermarks pending = new PendingWatermarks(2);
        pending.offer(at(100, 5_000, 1_000));
        pending.offer(at(110, 6_000, 1_000));
        pending.offer(at(120, 7_000, 1_000));
        assertThat(pending.size()).isEqualTo(2);
        assertThat(pending.offer(at(130, 8_000, 6_500))).as("the second of the two kept").isEqualTo(110);
    }
}

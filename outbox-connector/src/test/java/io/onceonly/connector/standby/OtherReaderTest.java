package io.onceonly.connector.standby;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.source.SlotOccupancy;

class OtherReaderTest {

    private static final long S = 1_000_000_000L;
    private final OtherReader other = new OtherReader(Duration.ofSeconds(2));

    private static SlotOccupancy held(long lsn) {
        return held(99, lsn);
    }

    private static SlotOccupancy held(int pid, long lsn) {
        return new SlotOccupancy(pid, Duration.ofMillis(100), lsn);
    }

    @Test
    void whileThisInstanceReadsTheSlotIsItsOwn() {
        for (int i = 0; i < 20; i++) {
            assertThat(other.streams(i, held(100L * i), i * S)).isFalse();
        }
    }

    @Test
    void positionsConfirmedShortlyAfterTheLastBatchAreThisInstancesOwn() {
        assertThat(other.streams(5, held(100), 0)).isFalse();
        // Debezium still confirms what was read before: within the settle time the position may move.
        assertThat(other.streams(5, held(200), S)).isFalse();
        assertThat(other.streams(5, held(300), 2 * S)).as("baseline taken").isFalse();
        assertThat(other.streams(5, held(300), 3 * S)).isFalse();
    }

    @Test
    void aPositionThatAdvancesWhileThisInstanceDoesNothingMeansAnotherReader() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(5, held(100), 4 * S)).as("idle: nobody confirms anything").isFalse();
        assertThat(other.streams(5, held(150), 5 * S)).isTrue();
    }

    @Test
    void aBatchThatWaitedLongForKafkaIsConfirmedAfterItEndsNotTakenForAnotherReader() {
        // The batch starts (activity 9) and waits a minute for Kafka: long enough for a baseline.
        other.streams(9, held(100), 0);
        assertThat(other.streams(9, held(100), 60 * S)).isFalse();
        // It ends (activity 10); its position is confirmed a moment later.
        assertThat(other.streams(10, held(100), 61 * S)).isFalse();
        assertThat(other.streams(10, held(180), 62 * S)).isFalse();
        assertThat(other.streams(10, held(180), 64 * S)).as("baseline after the settle time").isFalse();
        assertThat(other.streams(10, held(180), 70 * S)).isFalse();
    }

    @Test
    void anEngineThatReconnectsUnderANewWalsenderConfirmsItsSavedPositionWithoutBeingTakenForAnother() {
        other.streams(5, held(11, 100), 0);
        other.streams(5, held(11, 100), 3 * S);
        // The database restarts: the slot cannot be read, then is free, then this engine holds it again and confirms
        // the position it had saved just before the restart.
        assertThat(other.streams(5, null, 4 * S)).isFalse();
        assertThat(other.streams(5, SlotOccupancy.free(100), 5 * S)).isFalse();
        assertThat(other.streams(5, held(12, 100), 6 * S)).isFalse();
        assertThat(other.streams(5, held(12, 160), 7 * S)).isFalse();
        assertThat(other.streams(5, held(12, 160), 9 * S)).as("baseline after the settle time").isFalse();
        assertThat(other.streams(5, held(12, 160), 10 * S)).isFalse();
    }

    @Test
    void aNewHolderIsWatchedOnceItHasBeenSteadyForTheSettleTime() {
        other.streams(5, held(11, 100), 0);
        other.streams(5, held(11, 100), 3 * S);
        // A woken instance finds a standby's walsender on the slot.
        assertThat(other.streams(5, held(12, 150), 4 * S)).isFalse();
        assertThat(other.streams(5, held(12, 200), 5 * S)).isFalse();
        assertThat(other.streams(5, held(12, 250), 6 * S)).as("baseline").isFalse();
        assertThat(other.streams(5, held(12, 300), 7 * S)).isTrue();
    }

    @Test
    void anInstanceThatHasDoneNothingYetIsNotJudged() {
        other.streams(0, SlotOccupancy.free(-1), 0);
        other.streams(0, held(-1), 3 * S);
        assertThat(other.streams(0, held(100), 4 * S)).as("its own engine created the slot").isFalse();
        assertThat(other.streams(0, held(200), 8 * S)).isFalse();
    }

    @Test
    void aFreeSlotIsNoOtherReader() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(5, SlotOccupancy.free(150), 4 * S)).isFalse();
    }

    @Test
    void aBatchStartsTheWatchAgain() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(6, held(150), 4 * S)).isFalse();
        assertThat(other.streams(6, held(200), 5 * S)).as("within the settle time of the new batch").isFalse();
    }
}

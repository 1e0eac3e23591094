package io.onceonly.connector.standby;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.source.SlotOccupancy;

class OtherReaderTest {

    private static final long S = 1_000_000_000L;
    private final OtherReader other = new OtherReader(Duration.ofSeconds(2));

    private static SlotOccupancy held(long lsn) {
        return new SlotOccupancy(99, Duration.ofMillis(100), lsn);
    }

    @Test
    void whileThisInstanceReadsTheSlotIsItsOwn() {
        for (int i = 0; i < 20; i++) {
            assertThat(other.streams(i, held(100L * i), i * S)).isFalse();
        }
    }

    @Test
    void positionsConfirmedShortlyAfterTheLastReadAreThisInstancesOwn() {
        assertThat(other.streams(5, held(100), 0)).isFalse();
        // Debezium still confirms what was read before: within the settle time the position may move.
        assertThat(other.streams(5, held(200), S)).isFalse();
        assertThat(other.streams(5, held(300), 2 * S)).as("baseline taken").isFalse();
        assertThat(other.streams(5, held(300), 3 * S)).isFalse();
    }

    @Test
    void aPositionThatAdvancesWhileThisInstanceReadsNothingMeansAnotherReader() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(5, held(100), 4 * S)).as("idle: nobody confirms anything").isFalse();
        assertThat(other.streams(5, held(150), 5 * S)).isTrue();
    }

    @Test
    void anInstanceThatHasReadNothingYetIsNotJudged() {
        other.streams(0, SlotOccupancy.free(-1), 0);
        other.streams(0, held(-1), 3 * S);
        assertThat(other.streams(0, held(100), 4 * S)).as("its own engine created the slot").isFalse();
        assertThat(other.streams(0, held(200), 5 * S)).isFalse();
    }

    @Test
    void aMissingSlotIsNoBaseline() {
        other.streams(1, SlotOccupancy.free(-1), 0);
        other.streams(1, SlotOccupancy.free(-1), 3 * S);
        assertThat(other.streams(1, held(100), 4 * S)).isFalse();
        assertThat(other.streams(1, held(200), 5 * S)).isTrue();
    }

    @Test
    void aFreeSlotIsNoOtherReader() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(5, new SlotOccupancy(0, null, 150), 4 * S)).isFalse();
    }

    @Test
    void aReadStartsTheWatchAgain() {
        other.streams(5, held(100), 0);
        other.streams(5, held(100), 3 * S);
        assertThat(other.streams(6, held(150), 4 * S)).isFalse();
        assertThat(other.streams(6, held(200), 5 * S)).as("within the settle time of the new read").isFalse();
    }
}

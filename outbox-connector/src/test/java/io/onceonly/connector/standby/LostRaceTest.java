package io.onceonly.connector.standby;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.source.SlotOccupancy;

class LostRaceTest {

    private static final SlotOccupancy HELD = new SlotOccupancy(4242, Duration.ofMillis(200), 1_000);

    @Test
    void anInstanceThatRelayedNothingWhileAnotherHoldsTheSlotLostTheRace() {
        assertThat(LostRace.lost(false, 0, HELD)).isTrue();
    }

    @Test
    void anInstanceThatRelayedStaysWhatItWas() {
        // A paused instance woken after a takeover relayed before it: it stops, as a zombie must.
        assertThat(LostRace.lost(false, 3, HELD)).isFalse();
    }

    @Test
    void aFreeOrUnreadableSlotIsNoEvidenceOfAnotherInstance() {
        // A slot dropped and created again is free too: that stays a lost slot, with its recovery.
        assertThat(LostRace.lost(false, 0, SlotOccupancy.free(1_000))).isFalse();
        assertThat(LostRace.lost(false, 0, null)).isFalse();
    }

    @Test
    void exactlyOnceNeverYields() {
        // Its producer fenced the other instance when its engine started: the other one stops and this one streams.
        assertThat(LostRace.lost(true, 0, HELD)).isFalse();
    }
}

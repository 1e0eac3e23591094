package io.onceonly.connector.standby;

import java.time.Duration;

import io.onceonly.connector.source.SlotOccupancy;

/**
 * Tells an active instance that it is no longer the slot's reader: while its relay reads nothing,
 * the slot's confirmed position still advances, which only a reader confirming what it relayed
 * does. That is a former active instance that was paused or cut off and woke up after a standby
 * took over; its Debezium engine would otherwise retry opening the held slot forever.
 *
 * <p>Positions read before the pause are still confirmed for up to {@code offset.flush.interval.ms}
 * after the last read, so the position is taken as a baseline only once that has passed.
 */
public final class OtherReader {

    private final long settleNanos;
    private long readsSeen = -1;
    private long quietSince;
    private long baseline = Long.MIN_VALUE;

    /**
     * @param settle how long after its last read this instance may still confirm positions itself
     */
    public OtherReader(Duration settle) {
        this.settleNanos = settle.toNanos();
    }

    /**
     * One look at the slot.
     *
     * @param reads how many batches this instance's relay has read so far
     * @param slot the slot now
     * @param nowNanos {@link System#nanoTime()}
     * @return true when another reader streams the slot
     */
    public boolean streams(long reads, SlotOccupancy slot, long nowNanos) {
        if (reads != readsSeen) {
            readsSeen = reads;
            quietSince = nowNanos;
            baseline = Long.MIN_VALUE;
            return false;
        }
        if (nowNanos - quietSince < settleNanos) {
            return false;
        }
        if (baseline == Long.MIN_VALUE) {
            baseline = slot.confirmedLsn();
            return false;
        }
        return slot.held() && slot.confirmedLsn() > baseline;
    }
}

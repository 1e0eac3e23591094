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
 * after the last read, so the position is taken as a baseline only once that has passed. An
 * instance that has read nothing yet is not judged: its starting engine moves the position itself.
 * So the loser of two instances that start their engines at the same moment is not caught here:
 * its Debezium engine keeps retrying the held slot.
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
        // Before its first read the engine is still starting: creating the slot, or confirming the saved position to it,
        // moves the position too, and those are this instance's own doing.
        if (reads == 0) {
            return false;
        }
        if (reads != readsSeen) {
            readsSeen = reads;
            quietSince = nowNanos;
            baseline = Long.MIN_VALUE;
            return false;
        }
        if (nowNanos - quietSince < settleNanos) {
            return false;
        }
        if (baseline == Long.MIN_VALUE || baseline < 0) {
            baseline = slot.confirmedLsn();
            return false;
        }
        return slot.held() && slot.confirmedLsn() > baseline;
    }
}

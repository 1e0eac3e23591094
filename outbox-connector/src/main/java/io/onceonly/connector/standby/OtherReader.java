package io.onceonly.connector.standby;

import java.time.Duration;

import io.onceonly.connector.source.SlotOccupancy;

/**
 * Tells an active instance that it is no longer the slot's reader: while its relay does nothing,
 * the slot's confirmed position still advances under one steady holder, which only a reader
 * confirming what it relayed does. That is a former active instance that was paused or cut off and
 * woke up after a standby took over; its Debezium engine would otherwise retry opening the held
 * slot forever.
 *
 * <p>A lone healthy instance must never be taken for that, so a baseline position is taken only
 * when both have been still for the settle time: this instance's relay (it may confirm a batch
 * until {@code offset.flush.interval.ms} plus a status update after the batch ended, and a batch
 * may wait minutes for Kafka) and the slot's holder (an engine that reconnects, after a database
 * restart for example, confirms its saved position again under a new walsender). An unknown or
 * free slot drops the baseline. An instance whose relay has done nothing yet is not judged: its
 * starting engine moves the position itself. So the loser of two instances that start their
 * engines at the same moment is not caught here: its Debezium engine keeps retrying the held slot.
 */
public final class OtherReader {

    private static final long NONE = Long.MIN_VALUE;

    private final long settleNanos;
    private long activitySeen = -1;
    private long quietSince;
    private int holderSeen;
    private long holderSince;
    private long baseline = NONE;

    /**
     * @param settle how long after its relay's last activity this instance may still confirm positions itself, and
     *     how long after a walsender started its engine may confirm its saved position
     */
    public OtherReader(Duration settle) {
        this.settleNanos = settle.toNanos();
    }

    /**
     * One look at the slot.
     *
     * @param activity this instance's {@code Relay.activity()}: moves whenever a batch starts or ends
     * @param slot the slot now, or null when it could not be read
     * @param nowNanos {@link System#nanoTime()}
     * @return true when another reader streams the slot
     */
    public boolean streams(long activity, SlotOccupancy slot, long nowNanos) {
        if (activity != activitySeen) {
            activitySeen = activity;
            quietSince = nowNanos;
            baseline = NONE;
        }
        if (slot == null || !slot.held() || slot.confirmedLsn() < 0) {
            holderSeen = 0;
            baseline = NONE;
            return false;
        }
        if (slot.holderPid() != holderSeen) {
            holderSeen = slot.holderPid();
            holderSince = nowNanos;
            baseline = NONE;
        }
        // Before its first batch the engine is still starting: creating the slot, or confirming the saved position
        // to it, moves the position too, and those are this instance's own doing.
        if (activity == 0 || nowNanos - quietSince < settleNanos || nowNanos - holderSince < settleNanos) {
            return false;
        }
        if (baseline == NONE) {
            baseline = slot.confirmedLsn();
            return false;
        }
        return slot.confirmedLsn() > baseline;
    }
}

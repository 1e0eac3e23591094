package io.onceonly.connector.source;

import java.time.Duration;

/**
 * Who reads the replication slot now, as {@code pg_replication_slots} and
 * {@code pg_stat_replication} say.
 *
 * @param holderPid the walsender process streaming the slot, or 0 when nobody does (or the slot is missing)
 * @param silentFor how long that walsender has not heard from its client ({@code now() - reply_time}, or since the
 *     walsender started when no reply came yet); null when nobody holds the slot
 * @param confirmedLsn the slot's {@code confirmed_flush_lsn} as a number, or -1 when the slot is missing
 */
public record SlotOccupancy(int holderPid, Duration silentFor, long confirmedLsn) {

    /** A free slot (or none yet) with this confirmed position. */
    public static SlotOccupancy free(long confirmedLsn) {
        return new SlotOccupancy(0, null, confirmedLsn);
    }

    /** Whether a reader streams the slot. */
    public boolean held() {
        return holderPid != 0;
    }
}

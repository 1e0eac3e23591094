package io.onceonly.connector.standby;

import java.time.Duration;

import io.onceonly.connector.source.SlotOccupancy;

/**
 * Whether a waiting instance may start streaming the slot: at once when nobody holds it; after
 * ending the holder's walsender when that walsender has not heard from its client for longer than
 * {@code standby.takeover.after.ms} (a paused or cut-off active instance keeps its walsender until
 * the server's wal_sender_timeout, 60 s by default); else not yet.
 */
public final class Takeover {

    /** What to do with the slot as it is now. */
    public enum Verdict {
        /** Nobody holds the slot: start the engine. */
        START,
        /** The holder went silent: end its walsender, then start. */
        END_SILENT_HOLDER,
        /** A live reader holds the slot: keep waiting. */
        WAIT
    }

    private final Duration silentLimit;

    /**
     * @param silentLimit how long the holder may be silent before it is ended; zero never ends it
     */
    public Takeover(Duration silentLimit) {
        this.silentLimit = silentLimit;
    }

    public Verdict decide(SlotOccupancy slot) {
        if (!slot.held()) {
            return Verdict.START;
        }
        if (!silentLimit.isZero() && slot.silentFor() != null && slot.silentFor().compareTo(silentLimit) > 0) {
            return Verdict.END_SILENT_HOLDER;
        }
        return Verdict.WAIT;
    }

    /** Why the verdict was reached, for the role-change log line and /health. */
    public String reason(SlotOccupancy slot) {
        return switch (decide(slot)) {
            case START -> "the replication slot is free";
            case END_SILENT_HOLDER -> "the walsender (pid " + slot.holderPid() + ") holding the slot has not heard from its reader"
                    + " for " + slot.silentFor().toMillis() + " ms, more than standby.takeover.after.ms=" + silentLimit.toMillis()
                    + "; ending it";
            case WAIT -> "another reader streams the slot (walsender pid " + slot.holderPid() + ", last reply "
                    + slot.silentFor().toMillis() + " ms ago)";
        };
    }
}

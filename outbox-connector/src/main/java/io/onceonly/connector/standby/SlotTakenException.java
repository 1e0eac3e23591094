package io.onceonly.connector.standby;

/**
 * Another instance streams the replication slot this one was streaming: this one was paused or cut
 * off and a standby took over. It stops (exit 1) instead of letting its engine retry the held slot
 * forever; started again, it runs as the standby.
 */
public final class SlotTakenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SlotTakenException(String slotName, int holderPid) {
        super("another instance took over replication slot " + slotName + " (walsender pid " + holderPid + " confirms positions"
                + " while this instance reads nothing): this one was paused or cut off; it stops without relaying more. Start it"
                + " again to run it as the standby", null, false, false);
    }
}

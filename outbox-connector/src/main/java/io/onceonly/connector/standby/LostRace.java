package io.onceonly.connector.standby;

import io.onceonly.connector.source.SlotOccupancy;

/**
 * Whether an instance that started its engine on a free slot lost the slot to another instance
 * before it relayed anything: then it goes back to being the standby instead of stopping.
 *
 * <p>The race happens whenever the active instance's walsender ends without the instance dying (a
 * PostgreSQL restart, a network blip): the slot is free for the second it takes Debezium to
 * reconnect, the standby sees it free and starts its engine, and the former active instance gets
 * the slot back first. The standby's engine then retries "slot is active for PID", and at its next
 * task restart finds its saved position (read when it started) behind what the other instance has
 * confirmed since, which Debezium reports as a position no longer on the server: taken at its word
 * that is a lost slot, and the standby stopped (exit 1) asking for a table resend that nothing
 * needed. Seen in the fault matrix's all-at-once cell.
 *
 * <p>Only at-least-once: in exactly-once mode the standby's transactional producer fences the
 * other instance when it starts, so the other one stops and the race always ends with this one
 * streaming.
 */
public final class LostRace {

    private LostRace() {
    }

    /**
     * @param exactlyOnce the connector's delivery guarantee is exactly-once
     * @param relayActivity batches this instance's relay started or finished since its engine started
     * @param now the slot as read now (null when it cannot be read)
     * @return true when another walsender holds the slot and this instance has relayed nothing
     */
    public static boolean lost(boolean exactlyOnce, long relayActivity, SlotOccupancy now) {
        return !exactlyOnce && relayActivity == 0 && now != null && now.held();
    }
}

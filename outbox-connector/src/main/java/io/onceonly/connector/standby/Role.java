package io.onceonly.connector.standby;

/** What an instance of the connector does: stream the slot, or wait for it. */
public enum Role {
    /** The instance streams the replication slot and relays. */
    ACTIVE,
    /** Another reader holds the slot; this instance polls and takes over when the slot is free. */
    STANDBY;

    /** The role's name as /health shows it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

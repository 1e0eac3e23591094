package io.onceonly.connector.source;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The replication slot's last retention reading, as meters and {@code /health} details: a slot
 * nobody confirms keeps WAL until the server's disk is full, so an operator must see it grow long
 * before that.
 */
public final class SlotHealth {

    private static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");

    private final String slotName;
    private final long warnBytes;
    private volatile SlotRetention last;

    /**
     * @param warnBytes retained WAL above which {@code /health} says DEGRADED; 0 never does
     */
    public SlotHealth(MeterRegistry registry, String slotName, long warnBytes) {
        this.slotName = slotName;
        this.warnBytes = warnBytes;
        Gauge.builder("once.connector.slot.retained.wal.bytes", this, h -> h.last == null ? Double.NaN : h.last.retainedWalBytes())
                .description("WAL the replication slot keeps on the server (current LSN - restart_lsn)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("once.connector.slot.confirmed.lag.bytes", this, h -> h.last == null ? Double.NaN : h.last.confirmedLagBytes())
                .description("WAL the relay has not confirmed to the slot yet (current LSN - confirmed_flush_lsn)").baseUnit("bytes")
                .register(registry);
        for (String status : WAL_STATUSES) {
            Gauge.builder("once.connector.slot.wal.status", this, h -> h.last != null && status.equals(h.last.walStatus()) ? 1 : 0)
                    .description("1 for the replication slot's wal_status now (PostgreSQL 13+)").tag("status", status)
                    .register(registry);
        }
    }

    /** A new reading; null when the slot does not exist or could not be read. */
    public void update(SlotRetention retention) {
        last = retention;
    }

    /** Whether the slot keeps more WAL than the warning threshold, or its WAL is at risk or gone. */
    public boolean degraded() {
        SlotRetention r = last;
        return r != null && (warnBytes > 0 && r.retainedWalBytes() > warnBytes
                || "unreserved".equals(r.walStatus()) || "lost".equals(r.walStatus()));
    }

    /** The figures for {@code /health}, with a sentence when degraded. */
    public Map<String, Object> details() {
        SlotRetention r = last;
        Map<String, Object> details = new LinkedHashMap<>();
        if (r == null) {
            details.put("retainedWalBytes", null);
            return details;
        }
        details.put("retainedWalBytes", r.retainedWalBytes());
        details.put("confirmedLagBytes", r.confirmedLagBytes());
        details.put("walStatus", r.walStatus());
        if (degraded()) {
            details.put("warning", "replication slot " + slotName + " keeps " + r.retainedWalBytes() + " bytes of WAL (wal_status "
                    + r.walStatus() + ", warning above slot.retained.wal.warn.bytes=" + warnBytes + "): the relay is behind or"
                    + " not confirming (see lastSendError and blockedOn); the server keeps this WAL until the slot advances or"
                    + " is dropped, and at max_slot_wal_keep_size drops the slot's WAL (wal_status lost)");
        }
        return details;
    }
}

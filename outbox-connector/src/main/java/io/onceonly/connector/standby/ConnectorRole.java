package io.onceonly.connector.standby;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The instance's role and when it last changed, for /health and /metrics; each change is logged
 * once at INFO with its reason. Starts as standby: an instance is active only once its engine was
 * started on a free slot.
 */
public final class ConnectorRole {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRole.class);

    private final Clock clock;
    private volatile Role role = Role.STANDBY;
    private volatile Instant since;

    public ConnectorRole(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
        Gauge.builder("once.connector.active", this, r -> r.role == Role.ACTIVE ? 1 : 0)
                .description("1 while this instance streams the replication slot, 0 while it is a standby").register(registry);
        Gauge.builder("once.connector.role.changed.timestamp.seconds", this, r -> r.since.toEpochMilli() / 1000.0)
                .description("When the role (active or standby) last changed, or the instance started (epoch seconds)")
                .register(registry);
    }

    /** Changes the role (a no-op when it is the current one) and logs why. */
    public synchronized void become(Role next, String reason) {
        if (next == role) {
            return;
        }
        LOG.info("role {} -> {}: {}", role.label(), next.label(), reason);
        role = next;
        since = clock.instant();
    }

    /** Logs the first role, taken at start. */
    public synchronized void start(Role first, String reason) {
        LOG.info("role {}: {}", first.label(), reason);
        role = first;
        since = clock.instant();
    }

    public Role current() {
        return role;
    }

    /** When the role last changed (or was first taken). */
    public Instant since() {
        return since;
    }
}

package io.onceonly.connector.relay;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps the relay from advancing, as /health shows it and the log says it: an ERROR when a
 * blockage starts or changes and every 30 s while it lasts (not once per retry, which would flood
 * the log at the backoff's pace), and one INFO line when it is resolved.
 */
final class BlockageLog {

    private static final Logger LOG = LoggerFactory.getLogger(BlockageLog.class);
    static final long REPEAT_MS = 30_000;

    private final LongSupplier clock;
    private final long maxBackoffMs;
    private volatile Blockage current;
    private long loggedAt;

    /**
     * @param clock milliseconds, for the repeat interval
     * @param maxBackoffMs the retry pause at most, named in the ERROR line
     */
    BlockageLog(LongSupplier clock, long maxBackoffMs) {
        this.clock = clock;
        this.maxBackoffMs = maxBackoffMs;
    }

    /**
     * The relay is blocked on {@code blocked}.
     *
     * @param heldBack what is not done past it, e.g. "Nothing after it is confirmed"
     */
    void blocked(Blockage blocked, String heldBack) {
        long now = clock.getAsLong();
        boolean changed = !blocked.equals(current);
        current = blocked;
        if (changed || now - loggedAt >= REPEAT_MS) {
            loggedAt = now;
            LOG.error("the relay cannot advance: {}. {}; it is tried again every {} ms at most and resumes by itself once fixed",
                    blocked.describe(), heldBack, maxBackoffMs);
        }
    }

    /** The relay advanced: a blockage, if there was one, is over. */
    void advanced() {
        Blockage was = current;
        if (was != null) {
            LOG.info("resolved: {}", was.describe());
        }
        current = null;
    }

    /** The current blockage, or null. */
    Blockage current() {
        return current;
    }
}

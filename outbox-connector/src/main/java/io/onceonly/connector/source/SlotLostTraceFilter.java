package io.onceonly.connector.source;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the Debezium engine's stack trace for a lost slot: {@link ReplicationSlot#explain} says the
 * same in one sentence with the recovery, and forty lines of trace above it bury that sentence.
 * Every other engine error is logged as Debezium logs it.
 */
public final class SlotLostTraceFilter extends TurboFilter {

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (t == null || level != Level.ERROR || !logger.getName().startsWith("io.debezium.embedded")) {
            return FilterReply.NEUTRAL;
        }
        return ReplicationSlot.meansPositionGone(t) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}

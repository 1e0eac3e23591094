package io.onceonly.contracts;

import java.sql.SQLException;
import java.util.UUID;

/**
 * {@link OutboxWriter} refused an event because, as a Kafka record, it would exceed
 * {@link OutboxWriter.Builder#maxEventBytes(int)}: Kafka would refuse it too, after the business
 * change had committed. Nothing of the call that raised it was written; the transaction is still
 * usable, and the caller decides to roll it back (usually) or to write a smaller event instead.
 *
 * <p>SQLState {@value #SQL_STATE}, PostgreSQL's {@code program_limit_exceeded}.
 */
public final class OutboxEventTooLargeException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** PostgreSQL's {@code program_limit_exceeded}. */
    public static final String SQL_STATE = "54000";

    private final UUID eventId;
    private final long wireBytes;
    private final int maxEventBytes;

    OutboxEventTooLargeException(OutboxEvent event, long payloadBytes, long wireBytes, int maxEventBytes, int eventsInCall) {
        super("OutboxWriter refused event " + event.id() + " (biz-id " + event.bizId() + ", type " + event.eventType()
                + "): it is " + wireBytes + " bytes on the wire (payload as PostgreSQL renders jsonb " + payloadBytes
                + " bytes; key, headers and record framing " + (wireBytes - payloadBytes) + "), over maxEventBytes "
                + maxEventBytes + ", so Kafka would refuse it after the business change had committed. Nothing of it was written"
                + (eventsInCall > 1 ? ", nor any of the other " + (eventsInCall - 1) + " events of this appendAll" : "")
                + ". Make the payload smaller, or raise OutboxWriter.Builder.maxEventBytes together with Kafka's"
                + " max.request.size (the outbox connector's producer) and max.message.bytes (the outbox topics).",
                SQL_STATE);
        this.eventId = event.id();
        this.wireBytes = wireBytes;
        this.maxEventBytes = maxEventBytes;
    }

    /** The refused event's id. */
    public UUID eventId() {
        return eventId;
    }

    /** The refused event's size as a Kafka record, in bytes. */
    public long wireBytes() {
        return wireBytes;
    }

    /** The limit it exceeded ({@link OutboxWriter.Builder#maxEventBytes(int)}). */
    public int maxEventBytes() {
        return maxEventBytes;
    }
}

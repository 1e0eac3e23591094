package io.onceonly.connector.relay;

/**
 * Kafka fenced the exactly-once relay's transactional producer: another instance with the same
 * transactional.id (the same connector name) started and took over. Never retried: this instance
 * may commit nothing more, so it stops.
 */
public final class RelayFencedException extends RuntimeException {

    RelayFencedException(String transactionalId, Throwable cause) {
        super("another instance of this connector took over: Kafka fenced the transactional producer with transactional.id "
                + transactionalId + " (an instance with the same name started later), so this one stops without committing"
                + " anything more; the other instance relays on from the last committed position", cause);
    }
}

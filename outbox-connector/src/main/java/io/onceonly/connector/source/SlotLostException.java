package io.onceonly.connector.source;

/** The replication slot lost the connector's saved position; the message says what happened and the recovery. */
public final class SlotLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SlotLostException(String message) {
        super(message, null, false, false);
    }
}

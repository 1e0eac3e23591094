package io.onceonly.contracts.wire;

/** A record's {@code once-*} headers are missing or unreadable; the message names the header and the record. */
public class InvalidHeadersException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidHeadersException(String message) {
        super(message);
    }
}

package io.onceonly.contracts.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A value could not be written or read as JSON; the message says where and why. */
public class JsonPayloadException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public JsonPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}

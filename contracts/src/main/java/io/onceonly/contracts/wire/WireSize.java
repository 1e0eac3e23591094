package io.onceonly.contracts.wire;

import java.util.Map;

/**
 * The size of an outbox event as a Kafka record, counted the way the relay builds it: key = the
 * aggregate id, value = the payload as PostgreSQL renders jsonb, Once's headers
 * ({@link OnceHeaders}) and the row's extra headers, plus {@link WireLimits#RECORD_FRAMING_BYTES}.
 */
public final class WireSize {

    /** A UUID in its canonical text form, the value of {@link OnceHeaders#EVENT_ID}. */
    static final int EVENT_ID_CHARS = 36;
    /** Epoch milliseconds in decimal, the value of {@link OnceHeaders#CREATED_AT}: 13 digits until the year 2286. */
    static final int CREATED_AT_DIGITS = 13;

    private WireSize() {
    }

    /**
     * Everything of the record but its value, in bytes: the key, the names and values of Once's
     * headers and of {@code extraHeaders}, and the record framing. A long, so that no input can
     * overflow it.
     */
    public static long beyondValue(String aggregateType, String aggregateId, String eventType, String bizId,
            Map<String, String> extraHeaders) {
        long bytes = WireLimits.utf8Length(aggregateId) + WireLimits.RECORD_FRAMING_BYTES;
        bytes += WireLimits.utf8Length(OnceHeaders.EVENT_ID) + EVENT_ID_CHARS;
        bytes += WireLimits.utf8Length(OnceHeaders.BIZ_ID) + WireLimits.utf8Length(bizId);
        bytes += WireLimits.utf8Length(OnceHeaders.EVENT_TYPE) + WireLimits.utf8Length(eventType);
        bytes += WireLimits.utf8Length(OnceHeaders.AGGREGATE_TYPE) + WireLimits.utf8Length(aggregateType);
        bytes += WireLimits.utf8Length(OnceHeaders.CREATED_AT) + CREATED_AT_DIGITS;
        for (Map.Entry<String, String> header : extraHeaders.entrySet()) {
            bytes += WireLimits.utf8Length(header.getKey()) + WireLimits.utf8Length(header.getValue());
        }
        return bytes;
    }
}

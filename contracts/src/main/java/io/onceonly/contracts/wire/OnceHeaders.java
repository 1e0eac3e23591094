package io.onceonly.contracts.wire;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Names of the Kafka record headers that make up Once's wire contract (docs/design.md).
 *
 * <p>Every value is UTF-8 text; times are epoch milliseconds written as decimal digits. Names are
 * the contract: they change only with a migration note.
 */
public final class OnceHeaders {

    /** Prefix reserved for Once's own headers; a row's extra headers may not use it. */
    public static final String PREFIX = "once-";

    /** The outbox row's id (a UUID): the event's identity, unique per written event. */
    public static final String EVENT_ID = "once-event-id";
    /** The business id (payment id, order id): the dedup key. */
    public static final String BIZ_ID = "once-biz-id";
    /** The event type, for example {@code PaymentCompleted}. */
    public static final String EVENT_TYPE = "once-event-type";
    /** The aggregate type the topic was routed by, for example {@code payment}. */
    public static final String AGGREGATE_TYPE = "once-aggregate-type";
    /** When the outbox row was written (its {@code created_at}), epoch milliseconds. */
    public static final String CREATED_AT = "once-created-at";
    /** On the duplicates topic: the event id of the first occurrence of the same biz-id. */
    public static final String FIRST_EVENT_ID = "once-first-event-id";
    /** On the duplicates topic: when the first occurrence was seen, epoch milliseconds. */
    public static final String FIRST_SEEN_AT = "once-first-seen-at";
    /** On a dead-letter topic: why the record could not be used, in words a person can act on. */
    public static final String ERROR = "once-error";

    private OnceHeaders() {
    }

    /** True when {@code name} is in the namespace reserved for Once's own headers. */
    public static boolean isReserved(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The last value of header {@code name} decoded as UTF-8, if present and not null. */
    public static Optional<String> lastText(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Encodes a header value the way the contract says: UTF-8 text. */
    public static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

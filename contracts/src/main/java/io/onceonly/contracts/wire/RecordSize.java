package io.onceonly.contracts.wire;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * An upper bound of a record's size in a batch of its own, as the producer and the broker count
 * it: the batch header, the record's fixed overhead and a 5-byte varint for every length.
 * (Kafka's own estimate lives in an internal package of kafka-clients.) The connector and the
 * dedup app check records against their limits with it before they send.
 */
public final class RecordSize {

    private static final int BATCH_OVERHEAD = 61;
    private static final int RECORD_OVERHEAD = 21;
    private static final int VARINT = 5;

    private RecordSize() {
    }

    /** The bound for this key, value and headers; null key or value count as empty. */
    public static int upperBound(byte[] key, byte[] value, Headers headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + 3L * VARINT + length(key) + length(value);
        for (Header header : headers) {
            size += 2L * VARINT + header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The refusal of a record over a size limit, in words. */
    public static String tooLarge(String topic, int bytes, int limit, String setting) {
        return "too large for " + topic + ": about " + bytes + " bytes, over its " + setting + " of " + limit;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}

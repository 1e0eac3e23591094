package io.onceonly.connector.relay;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * An upper bound of a record's size in a batch of its own, as the producer counts it against
 * max.request.size: the batch header, the record's fixed overhead and a 5-byte varint for every
 * length. (Kafka's own estimate is in an internal package of kafka-clients; the dedup app has the
 * same bound.)
 */
final class RecordSize {

    private static final int BATCH_OVERHEAD = 61;
    private static final int RECORD_OVERHEAD = 21;
    private static final int VARINT = 5;

    private RecordSize() {
    }

    /** The bound for this key, value and headers; null key or value count as empty. */
    static int upperBound(byte[] key, byte[] value, Headers headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + 3L * VARINT + length(key) + length(value);
        for (Header header : headers) {
            size += 2L * VARINT + header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}

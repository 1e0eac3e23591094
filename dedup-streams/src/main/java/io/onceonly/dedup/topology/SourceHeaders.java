package io.onceonly.dedup.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * In repartition mode a record crosses an internal topic keyed by biz-id; these headers carry its
 * original key and input position across, and are removed before it is forwarded.
 */
final class SourceHeaders {

    static final String TOPIC = "once-source-topic";
    static final String PARTITION = "once-source-partition";
    static final String OFFSET = "once-source-offset";
    static final String KEY = "once-source-key";

    private SourceHeaders() {
    }

    static void add(Headers headers, String topic, int partition, long offset, byte[] key) {
        headers.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(PARTITION, ByteBuffer.allocate(4).putInt(partition).array());
        headers.add(OFFSET, ByteBuffer.allocate(8).putLong(offset).array());
        if (key != null) {
            headers.add(KEY, key);
        }
    }

    static String topic(Headers headers) {
        return new String(required(headers, TOPIC), StandardCharsets.UTF_8);
    }

    static int partition(Headers headers) {
        return ByteBuffer.wrap(required(headers, PARTITION)).getInt();
    }

    static long offset(Headers headers) {
        return ByteBuffer.wrap(required(headers, OFFSET)).getLong();
    }

    static byte[] key(Headers headers) {
        Header key = headers.lastHeader(KEY);
        return key == null ? null : key.value();
    }

    static void remove(Headers headers) {
        headers.remove(TOPIC);
        headers.remove(PARTITION);
        headers.remove(OFFSET);
        headers.remove(KEY);
    }

    private static byte[] required(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null) {
            throw new IllegalStateException("a repartitioned record lacks header " + name + ": was the repartition topic written by something else?");
        }
        return header.value();
    }
}

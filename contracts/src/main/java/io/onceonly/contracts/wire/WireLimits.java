package io.onceonly.contracts.wire;

/**
 * Size limits of the wire contract, shared by the writer (which refuses an event in the business
 * transaction) and the stages after it (which dead-letter a row that broke them anyway, written by
 * raw SQL). The defaults sit below Kafka's default 1 MiB ({@code max.request.size},
 * {@code message.max.bytes}) with room for the headers the dedup stage adds to an audit or dead
 * letter, so that what the writer accepts every stage can forward.
 */
public final class WireLimits {

    /** Kafka's default {@code max.request.size} and (nearly) {@code message.max.bytes}: 1 MiB. */
    public static final int KAFKA_DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /**
     * Default upper bound of one event on the wire: value (the payload as PostgreSQL renders
     * jsonb), key, headers and record framing. 900 KiB leaves 124 KiB under Kafka's 1 MiB.
     */
    public static final int DEFAULT_MAX_EVENT_BYTES = 900 * 1024;

    /** Longest biz-id, in UTF-8 bytes: it is a Kafka header, a store key and a btree key. */
    public static final int MAX_BIZ_ID_BYTES = 512;

    /** Longest aggregate id, in UTF-8 bytes: it is the Kafka record key. */
    public static final int MAX_AGGREGATE_ID_BYTES = 512;

    /**
     * What a record costs on the wire beyond its key, value and header bytes: the record batch
     * header (61 bytes) and the per-record and per-header varints, rounded up generously.
     */
    public static final int RECORD_FRAMING_BYTES = 256;

    private WireLimits() {
    }

    /** The length of {@code s} encoded as UTF-8, without encoding it; 0 for null. */
    public static int utf8Length(CharSequence s) {
        if (s == null) {
            return 0;
        }
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}

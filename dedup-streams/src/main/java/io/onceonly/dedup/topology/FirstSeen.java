package io.onceonly.dedup.topology;

/**
 * What the store remembers of a biz-id's first occurrence.
 *
 * @param eventId its {@code once-event-id} (may be null for records without one)
 * @param firstSeenAt when it was forwarded, epoch milliseconds
 * @param topic the input topic it came from
 * @param partition its input partition
 * @param offset its input offset: with topic and partition, tells the same record re-read after a
 *     crash (forwarded again) from a true duplicate (dropped)
 * @param traceparent the W3C {@code traceparent} of its dedup span, which a duplicate's span links
 *     to; null when tracing was off (and in values stored before it existed: the JSON has no field)
 * @param recordTime its record's timestamp, which a lookup compares with the retention: the store
 *     keeps it at a rounded time ({@link SeenStore}); {@link #UNKNOWN_TIME} where it is not known (in
 *     the store of the first layout, which kept it as the entry's time, and in a peer's answer)
 */
public record FirstSeen(String eventId, long firstSeenAt, String topic, int partition, long offset, String traceparent,
                        long recordTime) {

    /** The record time of an entry that does not carry it. */
    public static final long UNKNOWN_TIME = -1;

    /** A first occurrence without a span whose record time is not known. */
    public FirstSeen(String eventId, long firstSeenAt, String topic, int partition, long offset) {
        this(eventId, firstSeenAt, topic, partition, offset, null, UNKNOWN_TIME);
    }

    /** Whether {@code topic/partition/offset} is this very record. */
    public boolean isSameRecord(String otherTopic, int otherPartition, long otherOffset) {
        return offset == otherOffset && partition == otherPartition && topic.equals(otherTopic);
    }
}

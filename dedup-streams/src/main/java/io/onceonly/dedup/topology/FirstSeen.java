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
 */
public record FirstSeen(String eventId, long firstSeenAt, String topic, int partition, long offset, String traceparent) {

    /** A first occurrence without a span. */
    public FirstSeen(String eventId, long firstSeenAt, String topic, int partition, long offset) {
        this(eventId, firstSeenAt, topic, partition, offset, null);
    }

    /** Whether {@code topic/partition/offset} is this very record. */
    public boolean isSameRecord(String otherTopic, int otherPartition, long otherOffset) {
        return offset == otherOffset && partition == otherPartition && topic.equals(otherTopic);
    }
}

package io.onceonly.dedup.topology;

/**
 * The topic of the record being forwarded, set by {@link DedupProcessor} right before it forwards
 * and read by the sink's topic-name extractor. Forwarding is synchronous on the stream thread, so
 * a thread-local carries the decision without adding a header the output would keep.
 */
final class Destination {

    private static final ThreadLocal<String> TOPIC = new ThreadLocal<>();

    private Destination() {
    }

    static void set(String topic) {
        TOPIC.set(topic);
    }

    static String get() {
        String topic = TOPIC.get();
        if (topic == null) {
            throw new IllegalStateException("a record reached the dedup sink without a destination");
        }
        return topic;
    }
}

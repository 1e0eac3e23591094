package io.onceonly.dedup.topology;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.contracts.wire.RecordSize;

/**
 * What the destination topics accept, asked before every forward. Under exactly_once_v2 a record
 * the producer or broker refuses aborts the whole transaction, and Kafka Streams stops: the restart
 * reads the same record and stops again. Asking first lets that one record go to the dead letter.
 */
@FunctionalInterface
public interface DestinationLimits {

    /**
     * @param bytes the record's size upper bound ({@link RecordSize#upperBound})
     * @return null when {@code topic} takes the record, else why not, in words
     */
    String refusal(String topic, int bytes);

    /** Only the producer's {@code max.request.size} and the legal topic names. */
    static DestinationLimits producerOnly(int maxRequestSize) {
        return (topic, bytes) -> {
            String illegal = OutboxTopics.topicNameProblem(topic);
            if (illegal != null) {
                return illegal;
            }
            return bytes > maxRequestSize ? RecordSize.tooLarge(topic, bytes, maxRequestSize, "max.request.size") : null;
        };
    }
}

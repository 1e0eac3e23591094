package io.onceonly.dedup.topology;

import org.apache.kafka.common.header.Headers;

/**
 * Spans of the dedup decision: one per record with a biz-id, from the store lookup to the
 * forward or the drop. Tracing only watches: it changes no record and no decision; {@link #NONE},
 * when tracing is not configured, does nothing at all.
 */
public interface DecisionTracing {

    /** No tracing: no span, no header read. */
    DecisionTracing NONE = (topic, headers, bizId) -> Decision.NONE;

    /** Starts the span of the decision on a record of {@code topic} with these headers. */
    Decision started(String topic, Headers headers, String bizId);

    /** The open span of one decision; each method ends it but {@link #traceparent()}. */
    interface Decision {

        /** No span. */
        Decision NONE = new Decision() {
            @Override
            public String traceparent() {
                return null;
            }

            @Override
            public void forwarded(boolean readAgain) {
            }

            @Override
            public void dropped(FirstSeen first) {
            }

            @Override
            public void divertedOrFailed(String why) {
            }
        };

        /** This span as a {@code traceparent} value, to remember with a first occurrence; null without a span. */
        String traceparent();

        /** The record was forwarded: its biz-id's first occurrence, or ({@code readAgain}) the same record read again. */
        void forwarded(boolean readAgain);

        /** The record was dropped as a duplicate of {@code first}; the span links to the first occurrence's span. */
        void dropped(FirstSeen first);

        /** The record went to the dead-letter topic instead, or processing failed. */
        void divertedOrFailed(String why);
    }
}

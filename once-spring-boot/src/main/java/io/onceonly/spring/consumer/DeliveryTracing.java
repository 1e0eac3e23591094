package io.onceonly.spring.consumer;

import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * How a delivery's handling is traced: a span continuing the record's trace around it, or nothing
 * when OpenTelemetry is absent or tracing is off.
 */
public interface DeliveryTracing {

    /** No tracing: the handling runs as it is. */
    DeliveryTracing NONE = (record, consumerName, handling) -> handling.getAsBoolean();

    /**
     * Runs {@code handling} (which answers whether the effect happened, false for a duplicate) as
     * the handling of {@code record} by {@code consumerName}, and returns its answer.
     */
    boolean around(ConsumerRecord<?, ?> record, String consumerName, BooleanSupplier handling);
}

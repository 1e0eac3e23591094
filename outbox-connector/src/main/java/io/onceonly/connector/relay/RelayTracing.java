package io.onceonly.connector.relay;

import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Spans of the relay: one per record of a batch, from its hand-over to the sender until Kafka
 * acknowledged the whole batch (or the batch failed). Tracing only watches: it changes no record,
 * no order and no position; {@link #NONE}, when tracing is not configured, does nothing at all.
 */
public interface RelayTracing {

    /** No tracing: no span, no header read. */
    RelayTracing NONE = records -> BatchSpans.NONE;

    /** Starts the spans of a batch's records, in batch order, before they are sent. */
    BatchSpans started(List<ProducerRecord<byte[], byte[]>> records);

    /** The open spans of one batch. */
    interface BatchSpans {

        /** Spans of nothing. */
        BatchSpans NONE = new BatchSpans() {
            @Override
            public void acknowledged() {
            }

            @Override
            public void failed(Throwable cause) {
            }
        };

        /** Kafka acknowledged every record of the batch: the spans end. */
        void acknowledged();

        /** The batch was not acknowledged (it is read again after a restart): the spans end as errors. */
        void failed(Throwable cause);
    }
}

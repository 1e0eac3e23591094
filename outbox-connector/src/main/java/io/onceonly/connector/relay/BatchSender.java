package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;

/** Sends one Debezium batch and returns only when Kafka has it for good; the relay then marks the batch processed. */
interface BatchSender {

    /**
     * Sends the batch; returns once every record is acknowledged (and, exactly-once, committed
     * together with the batch's position).
     *
     * @param last the batch's last change event, whose source position ends the batch
     * @throws InterruptedException when the relay is stopping: nothing of the batch is marked processed
     */
    void send(List<AcknowledgedSender.Outgoing> batch, SourceRecord last) throws InterruptedException;

    /** What keeps the relay from advancing, or null. */
    Blockage blockage();

    /** Whether the last batch went through without resends. */
    boolean healthy();

    /** The last send error, or null. */
    String lastError();

    /**
     * Closes the producers, waiting at most {@code timeout}.
     *
     * @return true when nothing handed to a producer was left unsent
     */
    boolean close(Duration timeout);
}

package io.onceonly.dedup.topology;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OnceHeaders;

/**
 * The second line behind {@link DestinationLimits}: a record the broker refused anyway (a topic's
 * {@code max.message.bytes} lowered after the start, for example) goes to the dead-letter topic with
 * {@code once-error}, through Kafka Streams' dead-letter records (KIP-1034), and processing resumes.
 * A dead letter that cannot be written fails the instance (exit 1) naming why: it is never dropped.
 *
 * <p>Kafka Streams hands this handler only non-fatal errors: authorization and invalid-topic errors
 * stop the instance before it is asked. Under exactly_once_v2 the refused send also aborts the open
 * transaction; the instance then stops and its restart reprocesses from the last commit.
 */
public final class DeadLetterOnProductionError implements ProductionExceptionHandler {

    /** Property carrying the dead-letter topic's name. */
    static final String DEAD_LETTER_TOPIC = "once.dedup.dead-letter.topic";
    /** Property carrying the {@link DedupMetrics} instance. */
    static final String METRICS = "once.dedup.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOnProductionError.class);

    private String deadLetterTopic;
    private DedupMetrics metrics;

    /** Installs the handler into Kafka Streams properties. */
    public static void install(Properties streams, String deadLetterTopic, DedupMetrics metrics) {
        streams.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnProductionError.class.getName());
        streams.put(DEAD_LETTER_TOPIC, deadLetterTopic);
        streams.put(METRICS, metrics);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = (String) configs.get(DEAD_LETTER_TOPIC);
        metrics = (DedupMetrics) configs.get(METRICS);
        if (deadLetterTopic == null || metrics == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs " + DEAD_LETTER_TOPIC + " and " + METRICS
                    + "; install it with install(...)");
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        String where = context.topic() == null ? "task " + context.taskId()
                : context.topic() + "-" + context.partition() + "@" + context.offset();
        if (record.topic().equals(deadLetterTopic)) {
            LOG.error("stopping: the dead letter of {} could not be written to {}: {}; fix {} (dead-letter.topic) so it takes"
                    + " the record, then restart", where, deadLetterTopic, exception.toString(), deadLetterTopic);
            return Response.fail();
        }
        String reason = where + ": could not be produced to " + record.topic() + ": " + exception;
        LOG.warn("sending to {} instead: {}", deadLetterTopic, reason);
        metrics.unproducible();
        metrics.deadLettered();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, record.timestamp(), record.key(),
                record.value(), headers)));
    }
}

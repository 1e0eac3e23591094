package io.onceonly.dedup.topology;

import java.util.Optional;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.RecordSize;
import io.onceonly.dedup.config.OutputTopics;

/**
 * Forwards the first record of each biz-id unchanged and drops the others, auditing each drop on
 * the duplicates topic; records without a usable biz-id go to the dead-letter topic with a reason.
 *
 * <p>The store is a window store keyed by biz-id at the record's timestamp, so expiry drops whole
 * segments instead of scanning; a lookup spans the retention on both sides of the record's time.
 * Under exactly_once_v2 the store write commits with the forward and the input offset, so a biz-id
 * is "seen" only once its forward committed.
 *
 * <p>A record its destination would refuse (too large, illegal or refused topic) goes to the dead
 * letter instead and is not remembered: under exactly-once a refused send aborts the transaction
 * and stops Kafka Streams, and the restart would meet the same record. A record older than stream
 * time minus the retention cannot be remembered (the store drops the put); it is forwarded and
 * counted as unguarded.
 *
 * <p><b>Where records go.</b> Each record is forwarded to one named child, a sink per kind:
 * {@value DedupTopology#OUTPUT_SINK}, {@value DedupTopology#DUPLICATES_SINK} and
 * {@value DedupTopology#DEAD_LETTER_SINK}. The output and duplicates topics are not known when the
 * topology is built: under {@code input.pattern} a topic created later gets an output named after
 * it, so a sink per known output would miss it. Nor can the sink work the topic out itself: in
 * repartition mode the record it sees comes from the repartition topic, not the input. So the
 * processor decides and the value carries the decision ({@link Addressed}), which the sink's
 * extractor reads and its serializer drops; a header would have reached the output.
 */
final class DedupProcessor implements Processor<byte[], byte[], byte[], Addressed> {

    private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);
    private static final long WARN_EVERY_MS = 60_000;

    /** Where a record was read: its input topic, partition and offset. */
    private record Position(String topic, int partition, long offset) {

        boolean isOf(FirstSeen first) {
            return first.isSameRecord(topic, partition, offset);
        }

        String where() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** What the store says of a record's biz-id. */
    private enum Verdict { FIRST, READ_AGAIN, DUPLICATE }

    private final BizIdReader reader;
    private final OutputTopics outputs;
    private final String deadLetterTopic;
    private final boolean duplicatesEnabled;
    private final boolean repartitioned;
    private final long retentionMs;
    private final DedupMetrics metrics;
    private final DestinationLimits limits;
    private final DecisionTracing tracing;
    private final CommitCadence cadence;
    private long lastUnguardedWarning = Long.MIN_VALUE;
    private long unguardedSinceWarning;
    private ProcessorContext<byte[], Addressed> context;
    private WindowStore<String, FirstSeen> store;

    DedupProcessor(BizIdReader reader, OutputTopics outputs, String deadLetterTopic, boolean duplicatesEnabled,
                   boolean repartitioned, long retentionMs, DedupMetrics metrics, DestinationLimits limits, DecisionTracing tracing,
                   CommitCadence cadence) {
        this.reader = reader;
        this.outputs = outputs;
        this.deadLetterTopic = deadLetterTopic;
        this.duplicatesEnabled = duplicatesEnabled;
        this.repartitioned = repartitioned;
        this.retentionMs = retentionMs;
        this.metrics = metrics;
        this.limits = limits;
        this.tracing = tracing;
        this.cadence = cadence;
    }

    @Override
    public void init(ProcessorContext<byte[], Addressed> context) {
        this.context = context;
        this.store = context.getStateStore(DedupTopology.STORE);
    }

    @Override
    public void close() {
        cadence.closed(context);
    }

    @Override
    public void process(Record<byte[], byte[]> incoming) {
        metrics.in();
        cadence.processed(context, incoming.timestamp());
        Position at = position(incoming);
        Record<byte[], byte[]> record = repartitioned ? restored(incoming) : incoming;
        Optional<String> bizId = readBizIdOrDivert(record, at);
        if (bizId.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        String output = outputs.outputFor(at.topic());
        String key = StoreKey.of(output, bizId.get());
        FirstSeen first = find(key, record.timestamp());
        DecisionTracing.Decision decision = tracing.started(at.topic(), record.headers(), bizId.get());
        try {
            switch (decide(first, at)) {
                case FIRST -> {
                    if (forwardOrDivert(record, DedupTopology.OUTPUT_SINK, output, at)) {
                        remember(key, record, at, now, decision.traceparent());
                        metrics.forwarded(createdAt(record.headers()), now);
                        decision.forwarded(false);
                    } else {
                        decision.divertedOrFailed("refused by " + output + ": dead-lettered");
                    }
                }
                case READ_AGAIN -> {
                    if (forwardOrDivert(record, DedupTopology.OUTPUT_SINK, output, at)) {
                        metrics.forwarded(createdAt(record.headers()), now);
                        decision.forwarded(true);
                    } else {
                        decision.divertedOrFailed("refused by " + output + ": dead-lettered");
                    }
                }
                case DUPLICATE -> {
                    dropAndAudit(record, first, at);
                    decision.dropped(first);
                }
            }
        } catch (RuntimeException e) {
            decision.divertedOrFailed(e.toString());
            throw e;
        }
    }

    // Repartitioned records come from the repartition topic: their input position travels in headers.
    private Position position(Record<byte[], byte[]> incoming) {
        if (repartitioned) {
            Headers headers = incoming.headers();
            return new Position(SourceHeaders.topic(headers), SourceHeaders.partition(headers), SourceHeaders.offset(headers));
        }
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        return new Position(meta.topic(), meta.partition(), meta.offset());
    }

    // The record as it was read, before the repartition re-keyed it.
    private static Record<byte[], byte[]> restored(Record<byte[], byte[]> incoming) {
        RecordHeaders original = new RecordHeaders(incoming.headers().toArray());
        SourceHeaders.remove(original);
        return incoming.withKey(SourceHeaders.key(incoming.headers())).withHeaders(original);
    }

    private Optional<String> readBizIdOrDivert(Record<byte[], byte[]> record, Position at) {
        try {
            return Optional.of(reader.read(record.headers(), record.value()));
        } catch (UnusableRecordException e) {
            deadLetter(record, at.where() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Verdict decide(FirstSeen first, Position at) {
        if (first == null) {
            return Verdict.FIRST;
        }
        // The same record read again after a crash (at_least_once): not a duplicate of itself.
        return at.isOf(first) ? Verdict.READ_AGAIN : Verdict.DUPLICATE;
    }

    private void remember(String key, Record<byte[], byte[]> record, Position at, long now, String traceparent) {
        if (record.timestamp() < context.currentStreamTimeMs() - retentionMs) {
            unguarded(at.where(), record.timestamp());
        } else {
            store.put(key, new FirstSeen(text(record.headers(), OnceHeaders.EVENT_ID), now, at.topic(), at.partition(), at.offset(),
                    traceparent), record.timestamp());
        }
    }

    private void dropAndAudit(Record<byte[], byte[]> record, FirstSeen first, Position at) {
        metrics.duplicate();
        if (!duplicatesEnabled) {
            return;
        }
        RecordHeaders audit = new RecordHeaders(record.headers().toArray());
        if (first.eventId() != null) {
            audit.add(OnceHeaders.FIRST_EVENT_ID, OnceHeaders.text(first.eventId()));
        }
        audit.add(OnceHeaders.FIRST_SEEN_AT, OnceHeaders.text(Long.toString(first.firstSeenAt())));
        forwardOrDivert(record.withHeaders(audit), DedupTopology.DUPLICATES_SINK, outputs.duplicatesFor(at.topic()), at);
    }

    // Its put would be dropped as expired: a later copy of this biz-id would pass as well.
    private void unguarded(String where, long timestamp) {
        metrics.unguarded();
        unguardedSinceWarning++;
        long now = context.currentSystemTimeMs();
        if (lastUnguardedWarning == Long.MIN_VALUE || now - lastUnguardedWarning >= WARN_EVERY_MS) {
            LOG.warn("{} record(s) older than stream time minus retention.ms ({} ms) forwarded without being remembered,"
                    + " the last {} with time {}: a copy of it would be forwarded again; raise retention.ms above the"
                    + " oldest records you replay", unguardedSinceWarning, retentionMs, where, timestamp);
            lastUnguardedWarning = now;
            unguardedSinceWarning = 0;
        }
    }

    private FirstSeen find(String key, long timestamp) {
        long from = Math.max(0, timestamp - retentionMs);
        long to = timestamp > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : timestamp + retentionMs;
        try (WindowStoreIterator<FirstSeen> seen = store.fetch(key, from, to)) {
            return seen.hasNext() ? seen.next().value : null;
        }
    }

    // False when the destination would refuse the record and it went to the dead letter instead.
    private boolean forwardOrDivert(Record<byte[], byte[]> record, String sink, String topic, Position at) {
        String refusal = limits.refusal(topic, RecordSize.upperBound(record.key(), record.value(), record.headers()));
        if (refusal == null) {
            forward(record, sink, topic);
            return true;
        }
        metrics.unproducible();
        deadLetter(record, at.where() + ": " + refusal);
        return false;
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        Record<byte[], byte[]> dead = record.withHeaders(headers);
        String refusal = limits.refusal(deadLetterTopic, RecordSize.upperBound(dead.key(), dead.value(), dead.headers()));
        if (refusal != null && record.value() != null) {
            // Too large even for the dead letter: the reason and the input position stay, the value is left out.
            RecordHeaders pointer = new RecordHeaders(record.headers().toArray());
            pointer.add(OnceHeaders.ERROR, OnceHeaders.text(reason + " (value of " + record.value().length
                    + " bytes left out: it is too large for " + deadLetterTopic + " too; read it at the input position)"));
            dead = record.withValue((byte[]) null).withHeaders(pointer);
            refusal = limits.refusal(deadLetterTopic, RecordSize.upperBound(dead.key(), dead.value(), dead.headers()));
        }
        if (refusal != null) {
            throw new IllegalStateException("cannot write the dead letter of a record (" + reason + "): " + refusal
                    + "; fix " + deadLetterTopic + " (dead-letter.topic) so it takes the record, or the record is lost");
        }
        forward(dead, DedupTopology.DEAD_LETTER_SINK, deadLetterTopic);
        metrics.deadLettered();
    }

    private void forward(Record<byte[], byte[]> record, String sink, String topic) {
        context.forward(record.withValue(new Addressed(topic, record.value())), sink);
    }

    private static String text(Headers headers, String name) {
        return OnceHeaders.lastText(headers, name).orElse(null);
    }

    private static long createdAt(Headers headers) {
        try {
            return OnceHeaders.lastText(headers, OnceHeaders.CREATED_AT).map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

}

package io.onceonly.dedup.topology;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.dedup.config.OutputTopics;

/**
 * Forwards the first record of each biz-id unchanged and drops the others, auditing each drop on
 * the duplicates topic; records without a usable biz-id go to the dead-letter topic with a reason.
 *
 * <p>The store is a window store keyed by biz-id at the record's timestamp, so expiry drops whole
 * segments instead of scanning; a lookup spans the retention on both sides of the record's time.
 * Under exactly_once_v2 the store write commits with the forward and the input offset, so a biz-id
 * is "seen" only once its forward committed.
 */
final class DedupProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private final BizIdReader reader;
    private final OutputTopics outputs;
    private final String deadLetterTopic;
    private final boolean duplicatesEnabled;
    private final boolean repartitioned;
    private final long retentionMs;
    private final DedupMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private WindowStore<String, FirstSeen> store;

    DedupProcessor(BizIdReader reader, OutputTopics outputs, String deadLetterTopic, boolean duplicatesEnabled,
                   boolean repartitioned, long retentionMs, DedupMetrics metrics) {
        this.reader = reader;
        this.outputs = outputs;
        this.deadLetterTopic = deadLetterTopic;
        this.duplicatesEnabled = duplicatesEnabled;
        this.repartitioned = repartitioned;
        this.retentionMs = retentionMs;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(DedupTopology.STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> incoming) {
        metrics.in();
        String topic;
        int partition;
        long offset;
        Record<byte[], byte[]> record;
        if (repartitioned) {
            Headers headers = incoming.headers();
            topic = SourceHeaders.topic(headers);
            partition = SourceHeaders.partition(headers);
            offset = SourceHeaders.offset(headers);
            byte[] key = SourceHeaders.key(headers);
            RecordHeaders original = new RecordHeaders(headers.toArray());
            SourceHeaders.remove(original);
            record = incoming.withKey(key).withHeaders(original);
        } else {
            RecordMetadata meta = context.recordMetadata().orElseThrow();
            topic = meta.topic();
            partition = meta.partition();
            offset = meta.offset();
            record = incoming;
        }

        String bizId;
        try {
            bizId = reader.read(record.headers(), record.value());
        } catch (UnusableRecordException e) {
            deadLetter(record, topic + "-" + partition + "@" + offset + ": " + e.getMessage());
            return;
        }

        long now = context.currentSystemTimeMs();
        String output = outputs.outputFor(topic);
        String key = StoreKey.of(output, bizId);
        FirstSeen first = find(key, record.timestamp());
        if (first == null) {
            store.put(key, new FirstSeen(text(record.headers(), OnceHeaders.EVENT_ID), now, topic, partition, offset), record.timestamp());
            forward(record, output);
            metrics.forwarded(createdAt(record.headers()), now);
        } else if (first.isSameRecord(topic, partition, offset)) {
            // The same record read again after a crash (at_least_once): not a duplicate of itself.
            forward(record, output);
            metrics.forwarded(createdAt(record.headers()), now);
        } else {
            metrics.duplicate();
            if (duplicatesEnabled) {
                RecordHeaders audit = new RecordHeaders(record.headers().toArray());
                if (first.eventId() != null) {
                    audit.add(OnceHeaders.FIRST_EVENT_ID, OnceHeaders.text(first.eventId()));
                }
                audit.add(OnceHeaders.FIRST_SEEN_AT, OnceHeaders.text(Long.toString(first.firstSeenAt())));
                forward(record.withHeaders(audit), outputs.duplicatesFor(topic));
            }
        }
    }

    private FirstSeen find(String key, long timestamp) {
        long from = Math.max(0, timestamp - retentionMs);
        long to = timestamp > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : timestamp + retentionMs;
        try (WindowStoreIterator<FirstSeen> seen = store.fetch(key, from, to)) {
            return seen.hasNext() ? seen.next().value : null;
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(OnceHeaders.ERROR, OnceHeaders.text(reason));
        forward(record.withHeaders(headers), deadLetterTopic);
        metrics.deadLettered();
    }

    private void forward(Record<byte[], byte[]> record, String topic) {
        Destination.set(topic);
        context.forward(record);
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

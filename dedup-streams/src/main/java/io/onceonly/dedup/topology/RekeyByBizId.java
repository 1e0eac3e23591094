package io.onceonly.dedup.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Repartition mode, before the internal topic: the key becomes the biz-id, so that every copy of
 * one biz-id meets the same store partition, whatever key its producer gave it.
 */
final class RekeyByBizId implements Processor<byte[], byte[], byte[], byte[]> {

    private final BizIdReader reader;
    private ProcessorContext<byte[], byte[]> context;

    RekeyByBizId(BizIdReader reader) {
        this.reader = reader;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        SourceHeaders.add(headers, meta.topic(), meta.partition(), meta.offset(), record.key());
        byte[] key;
        try {
            key = reader.read(record.headers(), record.value()).getBytes(StandardCharsets.UTF_8);
        } catch (UnusableRecordException e) {
            // Keep the original key: the dedup step after the repartition sends it to the dead-letter topic.
            key = record.key();
        }
        context.forward(record.withKey(key).withHeaders(headers));
    }
}

package io.onceonly.cli.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.onceonly.cli.CommandFailure;

/** Reads the one record at an address, or says plainly why there is none. */
public final class RecordFetch {

    private RecordFetch() {
    }

    /**
     * @throws CommandFailure naming the address and what the topic holds instead: no such topic or
     *     partition, an offset outside the partition, or an offset that is no committed record
     */
    public static ConsumerRecord<byte[], byte[]> at(KafkaConsumer<byte[], byte[]> consumer, RecordAddress address, Duration timeout) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics();
        List<PartitionInfo> partitions = topics.get(address.topic());
        if (partitions == null) {
            throw new CommandFailure("no record at " + address + ": topic " + address.topic() + " does not exist");
        }
        if (partitions.stream().noneMatch(p -> p.partition() == address.partition())) {
            throw new CommandFailure("no record at " + address + ": topic " + address.topic() + " has partitions 0 to "
                    + (partitions.size() - 1));
        }
        TopicPartition tp = address.topicPartition();
        consumer.assign(List.of(tp));
        long first = consumer.beginningOffsets(List.of(tp)).get(tp);
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        if (address.offset() < first || address.offset() >= end) {
            throw new CommandFailure("no record at " + address + ": partition " + address.partition() + " of "
                    + address.topic() + (first == end ? " holds no records" : " holds offsets " + first + " to " + (end - 1)));
        }
        consumer.seek(tp, address.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() == address.offset()) {
                    return record;
                }
                if (record.offset() > address.offset()) {
                    break;
                }
            }
            if (consumer.position(tp) > address.offset()) {
                throw new CommandFailure("no record at " + address + ": that offset is a transaction marker or a record of an"
                        + " aborted transaction, which no read_committed reader sees");
            }
        }
        throw new CommandFailure("the record at " + address + " was not read within " + timeout.toSeconds() + " s");
    }
}

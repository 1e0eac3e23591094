package io.onceonly.cli.kafka;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.onceonly.cli.CommandFailure;

/**
 * Reads topics once, from their beginning (or from a time) up to their ends as they were when the
 * scan began, handing every record to a visitor: records written during the scan are not waited for,
 * so a scan always ends. Long scans report their progress on the error stream.
 */
public final class TopicScan {

    /** A scan reports its progress when it has more records than this to read. */
    static final long PROGRESS_ABOVE_RECORDS = 50_000;
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    /**
     * What a scan read.
     *
     * @param scanned records read
     * @param missing the topics asked for that do not exist
     */
    public record Result(long scanned, Set<String> missing) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintWriter progress;

    /** @param progress where progress lines go (the error stream, so that output stays clean) */
    public TopicScan(KafkaConsumer<byte[], byte[]> consumer, PrintWriter progress) {
        this.consumer = consumer;
        this.progress = progress;
    }

    /**
     * Reads {@code topics} and hands each record to {@code visitor}.
     *
     * @param since read only records from this time on; empty reads from the earliest offset
     * @param timeout how long the whole scan may take
     * @throws CommandFailure when the scan does not end within {@code timeout}
     */
    public Result scan(Collection<String> topics, Optional<Instant> since, Duration timeout,
                       Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        Map<String, List<PartitionInfo>> existing = consumer.listTopics();
        Set<String> missing = new TreeSet<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : new TreeSet<>(topics)) {
            List<PartitionInfo> infos = existing.get(topic);
            if (infos == null) {
                missing.add(topic);
                continue;
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        if (partitions.isEmpty()) {
            return new Result(0, missing);
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> start = startOffsets(partitions, since, end);
        Map<TopicPartition, Long> remaining = new HashMap<>();
        long total = 0;
        for (TopicPartition tp : partitions) {
            long from = start.get(tp);
            long to = end.get(tp);
            if (from < to) {
                consumer.seek(tp, from);
                remaining.put(tp, to);
                total += to - from;
            }
        }
        consumer.assign(remaining.keySet());
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
        long scanned = 0;
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new CommandFailure("the scan of " + String.join(", ", new TreeSet<>(topics)) + " did not end within "
                        + timeout.toSeconds() + " s (" + scanned + " of " + total + " records read): narrow it with --since,"
                        + " or allow more with --timeout");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                Long to = remaining.get(tp);
                if (to != null && record.offset() < to) {
                    scanned++;
                    visitor.accept(record);
                }
            }
            // Positions move past transaction markers and aborted records too, which are never returned.
            List<TopicPartition> done = new ArrayList<>();
            remaining.forEach((tp, to) -> {
                if (consumer.position(tp) >= to) {
                    done.add(tp);
                }
            });
            done.forEach(remaining::remove);
            if (!done.isEmpty()) {
                consumer.pause(done.stream().filter(consumer.assignment()::contains).toList());
            }
            if (total > PROGRESS_ABOVE_RECORDS && System.nanoTime() > nextProgress) {
                progress.printf("scanned %,d of %,d records%n", scanned, total);
                progress.flush();
                nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
            }
        }
        return new Result(scanned, missing);
    }

    private Map<TopicPartition, Long> startOffsets(List<TopicPartition> partitions, Optional<Instant> since,
                                                  Map<TopicPartition, Long> end) {
        if (since.isEmpty()) {
            return consumer.beginningOffsets(partitions);
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, since.get().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        Map<TopicPartition, Long> start = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            start.put(tp, at == null ? end.get(tp) : at.offset());
        }
        return start;
    }
}

package io.onceonly.cli.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a record is: {@code topic:partition:offset}, the form the command prints and takes back. A
 * topic name never holds a colon, so the form reads back unambiguously.
 */
public record RecordAddress(String topic, int partition, long offset) {

    private static final Pattern FULL = Pattern.compile("([a-zA-Z0-9._-]+):(\\d{1,9}):(\\d{1,19})");
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9}):(\\d{1,19})");

    /** The address of a consumed record. */
    public static RecordAddress of(ConsumerRecord<?, ?> record) {
        return new RecordAddress(record.topic(), record.partition(), record.offset());
    }

    /**
     * Reads {@code topic:partition:offset}, or {@code partition:offset} of {@code defaultTopic}.
     *
     * @param defaultTopic the topic of a short address; null when there is none
     * @throws IllegalArgumentException naming the bad value and the form expected
     */
    public static RecordAddress parse(String text, String defaultTopic) {
        Matcher full = FULL.matcher(text);
        if (full.matches()) {
            return new RecordAddress(full.group(1), Integer.parseInt(full.group(2)), Long.parseLong(full.group(3)));
        }
        Matcher brief = SHORT.matcher(text);
        if (brief.matches() && defaultTopic != null) {
            return new RecordAddress(defaultTopic, Integer.parseInt(brief.group(1)), Long.parseLong(brief.group(2)));
        }
        if (brief.matches()) {
            throw new IllegalArgumentException("record '" + text + "' names no topic: write topic:partition:offset, for"
                    + " example outbox.dead-letter:" + text + ", or give --topic");
        }
        throw new IllegalArgumentException("record '" + text + "' is not an address: write topic:partition:offset, for"
                + " example outbox.dead-letter:0:17 (as dead-letters list prints them)");
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + ":" + partition + ":" + offset;
    }
}

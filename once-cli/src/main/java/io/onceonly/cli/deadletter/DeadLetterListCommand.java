package io.onceonly.cli.deadletter;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.Json;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.SinceOption;
import io.onceonly.cli.TextTable;
import io.onceonly.cli.Times;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.KafkaClients;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.cli.kafka.TopicScan;
import io.onceonly.contracts.wire.OnceHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code once dead-letters list}: the dead letters of both apps, newest last. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"The dead letters of the connector and the dedup app, oldest first: record (topic:partition:offset,"
                + " for show and replay), time, biz-id, event id and the reason (once-error).",
                "Options: kafka.bootstrap.servers; connector.dead-letter.topic and dedup.dead-letter.topic (or config.connector,"
                        + " config.dedup)."})
public final class DeadLetterListCommand extends OnceCommand {

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this dead-letter topic: connector, dedup or its name.")
    String topic;

    @Mixin
    SinceOption since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Show the newest N (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    DeadLetterListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + " must be at least 1");
        }
        OnceSettings settings = settings();
        DeadLetterTopics deadLetters = new DeadLetterTopics(settings);
        List<String> topics = topic == null ? deadLetters.both() : List.of(deadLetters.resolve(topic));
        topics.forEach(deadLetters::kindOf);
        Optional<Instant> from = since.instant(context.clock());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicScan.Result scan;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaClients(settings.kafka()).consumer()) {
            scan = new TopicScan(consumer, context.err()).scan(topics, from, Duration.ofMinutes(5), records::add);
        }
        records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
                .thenComparing(ConsumerRecord::topic).thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        int leftOut = Math.max(0, records.size() - limit);
        List<ConsumerRecord<byte[], byte[]>> shown = records.subList(leftOut, records.size());
        PrintWriter out = context.out();
        if (json) {
            ArrayNode all = Json.mapper().createArrayNode();
            for (ConsumerRecord<byte[], byte[]> record : shown) {
                ObjectNode node = all.addObject();
                node.put("record", RecordAddress.of(record).toString());
                node.put("time", Instant.ofEpochMilli(record.timestamp()).toString());
                node.put("bizId", OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).orElse(null));
                node.put("eventId", OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElse(null));
                node.put("reason", OnceHeaders.lastText(record.headers(), OnceHeaders.ERROR).orElse(null));
            }
            Json.print(out, all);
            return OK;
        }
        if (shown.isEmpty()) {
            out.println("no dead letters in " + String.join(", ", topics) + (from.isPresent() ? " since " + Times.show(from.get()) : "")
                    + (scan.missing().isEmpty() ? "" : " (not on the cluster: " + String.join(", ", scan.missing()) + ")"));
            return OK;
        }
        TextTable table = new TextTable("record", "time (UTC)", "biz-id", "event id", "reason");
        for (ConsumerRecord<byte[], byte[]> record : shown) {
            table.row(RecordAddress.of(record), Times.show(Instant.ofEpochMilli(record.timestamp())),
                    OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).orElse(null),
                    OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElse(null),
                    DeadLetterReason.brief(OnceHeaders.lastText(record.headers(), OnceHeaders.ERROR).orElse(null)));
        }
        table.print(out, "");
        out.println(records.size() + (records.size() == 1 ? " dead letter" : " dead letters")
                + (leftOut > 0 ? ", the " + leftOut + " oldest left out (--limit, --since)" : "")
                + "; once dead-letters show RECORD for the whole record, replay RECORD to send it back.");
        return OK;
    }
}

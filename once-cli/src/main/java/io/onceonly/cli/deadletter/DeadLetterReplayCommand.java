package io.onceonly.cli.deadletter;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.Json;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.KafkaClients;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.cli.kafka.RecordFetch;
import io.onceonly.cli.kafka.TopicScan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code once dead-letters replay RECORD}: sends a dead letter, unchanged or repaired, back to the
 * outbox topic it belongs on, so the dedup stage still guards it; {@code --force} goes past the
 * dedup stage and says what that gives up. The replayed record and its audit record are written in
 * one Kafka transaction.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Send a dead letter back where it belongs: the outbox topic it was read from (the dedup app's dead"
                + " letters) or of its row's aggregate type (the connector's, which are whole rows: key, payload and once-*"
                + " headers are made from the row as the connector would). The dedup stage still guards it, so a biz-id"
                + " already forwarded is dropped again and a replay never makes a second effect.",
                "Every replay writes an audit record to replay.audit.topic (key: the biz-id) in the same Kafka transaction.",
                "Options: kafka.bootstrap.servers; the apps' topic names (or config.connector, config.dedup)."})
public final class DeadLetterReplayCommand extends OnceCommand {

    @Mixin
    DeadLetterArgument argument;

    @Option(names = "--to", paramLabel = "TOPIC",
            description = "The outbox topic it belongs on, when that cannot be known from the record (a row whose aggregate type names no topic).")
    String to;

    @Option(names = "--value-file", paramLabel = "FILE",
            description = "Replay this value instead: the repaired payload (the dedup app's dead letters) or the repaired row as JSON (the connector's; start from show --value-only).")
    Path valueFile;

    @Option(names = "--force", description = "Write straight to the output topic, past the dedup stage: the biz-id is neither checked nor remembered there; says so before writing.")
    boolean force;

    @Option(names = "--again", description = "With --force: replay a dead letter that was replayed before.")
    boolean again;

    DeadLetterReplayCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        OnceSettings settings = settings();
        RecordAddress address = argument.address(settings);
        Optional<byte[]> repaired = Optional.empty();
        if (valueFile != null) {
            if (!Files.isRegularFile(valueFile)) {
                throw new IllegalArgumentException("--value-file " + valueFile.toAbsolutePath() + " does not exist or is not a file");
            }
            repaired = Optional.of(Files.readAllBytes(valueFile));
        }
        KafkaClients clients = new KafkaClients(settings.kafka());
        Replay replay;
        List<String> before;
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer()) {
            ConsumerRecord<byte[], byte[]> deadLetter = RecordFetch.at(consumer, address, Duration.ofSeconds(30));
            replay = new ReplayPlanner(settings).plan(deadLetter, Optional.ofNullable(to), force, repaired);
            if (!consumer.listTopics().containsKey(replay.target())) {
                throw new CommandFailure("topic " + replay.target() + " does not exist: create it, or name the outbox topic "
                        + address + " belongs on with --to");
            }
            before = earlierReplays(consumer, settings.replayAuditTopic(), address);
        }
        PrintWriter err = context.err();
        if (!before.isEmpty()) {
            if (replay.forced() && !again) {
                throw new CommandFailure(address + " was replayed before (" + String.join("; ", before) + "): with --force a"
                        + " second replay can make a second effect; add --again if that is what you mean");
            }
            err.println("note: " + address + " was replayed before (" + String.join("; ", before) + ")");
        }
        if (replay.forced()) {
            err.println("warning: --force writes to " + replay.target() + " and bypasses " + replay.bypassed());
        }
        err.flush();
        ensureTopic(clients, settings.replayAuditTopic());
        RecordMetadata written;
        RecordMetadata audited;
        try (KafkaProducer<byte[], byte[]> producer = clients.transactionalProducer("once-cli-replay-" + UUID.randomUUID())) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                written = producer.send(replay.record()).get();
                audited = producer.send(ReplayAudit.record(settings.replayAuditTopic(), replay, written, context.clock().instant(),
                        System.getProperty("user.name", "?"))).get();
                producer.commitTransaction();
            } catch (ExecutionException | KafkaException e) {
                producer.abortTransaction();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new CommandFailure("nothing was replayed: " + cause.getMessage(), cause);
            }
        }
        context.out().println("replayed " + address + " to " + new RecordAddress(written.topic(), written.partition(), written.offset())
                + (replay.forced() ? " (forced past the dedup stage)"
                : " (through the dedup stage: if biz-id " + replay.bizId() + " was forwarded already, this copy is dropped there)")
                + "; audit record " + new RecordAddress(audited.topic(), audited.partition(), audited.offset()));
        return OK;
    }

    private List<String> earlierReplays(KafkaConsumer<byte[], byte[]> consumer, String auditTopic, RecordAddress address) {
        List<String> earlier = new ArrayList<>();
        new TopicScan(consumer, context.err()).scan(List.of(auditTopic), Optional.empty(), Duration.ofMinutes(2), audit -> {
            try {
                JsonNode value = Json.mapper().readTree(audit.value());
                if (address.toString().equals(value.path("deadLetter").asText())) {
                    earlier.add(ReplayAudit.describe(audit.value()) + " at " + value.path("at").asText());
                }
            } catch (IOException | RuntimeException e) {
                // Not an audit record of ours: nothing to learn from it.
            }
        });
        return earlier;
    }

    private static void ensureTopic(KafkaClients clients, String topic) throws InterruptedException {
        try (Admin admin = clients.admin()) {
            if (admin.listTopics().names().get().contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new CommandFailure("cannot create the audit topic " + topic + " (replay.audit.topic): "
                        + e.getCause().getMessage() + "; create it, or name another", e.getCause());
            }
        }
    }
}

package io.onceonly.cli.deadletter;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.Json;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.Times;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.KafkaClients;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.cli.kafka.RecordFetch;
import io.onceonly.cli.kafka.RecordText;
import io.onceonly.contracts.wire.OnceHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code once dead-letters show RECORD}: one dead letter whole, and where a replay would send it. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"One dead letter whole: time, key, every header, the value (JSON indented), and where a replay"
                + " would send it.",
                "Options: kafka.bootstrap.servers; the dead-letter topics' names (or config.connector, config.dedup)."})
public final class DeadLetterShowCommand extends OnceCommand {

    private static final Set<String> TIME_HEADERS = Set.of(OnceHeaders.CREATED_AT, OnceHeaders.FIRST_SEEN_AT);

    @Mixin
    DeadLetterArgument argument;

    @Option(names = "--value-only", description = "Print the value alone, as it is: to repair it and replay it with --value-file.")
    boolean valueOnly;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    DeadLetterShowCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        OnceSettings settings = settings();
        RecordAddress address = argument.address(settings);
        ConsumerRecord<byte[], byte[]> deadLetter;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaClients(settings.kafka()).consumer()) {
            deadLetter = RecordFetch.at(consumer, address, Duration.ofSeconds(30));
        }
        PrintWriter out = context.out();
        if (valueOnly) {
            out.println(RecordText.of(deadLetter.value()));
            return OK;
        }
        String replay = replayTarget(settings, deadLetter);
        if (json) {
            ObjectNode document = Json.object();
            document.put("record", address.toString());
            document.put("time", Instant.ofEpochMilli(deadLetter.timestamp()).toString());
            document.put("key", deadLetter.key() == null ? null : RecordText.of(deadLetter.key()));
            ObjectNode headers = document.putObject("headers");
            RecordText.headers(deadLetter.headers()).forEach(headers::put);
            document.put("value", deadLetter.value() == null ? null : RecordText.of(deadLetter.value()));
            document.put("replay", replay);
            Json.print(out, document);
            return OK;
        }
        out.println("record   " + address);
        out.println("time     " + Times.show(Instant.ofEpochMilli(deadLetter.timestamp())) + " UTC (" + deadLetter.timestampType() + ")");
        out.println("key      " + RecordText.of(deadLetter.key()));
        out.println("headers");
        for (Map.Entry<String, String> header : RecordText.headers(deadLetter.headers()).entrySet()) {
            Optional<Instant> time = TIME_HEADERS.contains(header.getKey())
                    ? RecordText.timeHeader(deadLetter.headers(), header.getKey()) : Optional.empty();
            out.println("  " + header.getKey() + ": " + header.getValue() + time.map(t -> " (" + Times.show(t) + " UTC)").orElse(""));
        }
        out.println("value");
        out.println(indented(deadLetter.value()));
        out.println("replay   " + replay);
        return OK;
    }

    private static String replayTarget(OnceSettings settings, ConsumerRecord<byte[], byte[]> deadLetter) {
        try {
            Replay replay = new ReplayPlanner(settings).plan(deadLetter, Optional.empty(), false, Optional.empty());
            return "would go to " + replay.target() + ", through the dedup stage";
        } catch (CommandFailure e) {
            return "not as it is: " + e.getMessage();
        }
    }

    private static String indented(byte[] value) {
        if (value == null) {
            return "  (null)";
        }
        String text = RecordText.of(value);
        try {
            JsonNode node = Json.mapper().readTree(value);
            text = Json.mapper().writeValueAsString(node);
        } catch (IOException e) {
            // Not JSON: shown as it is.
        }
        return text.lines().map(line -> "  " + line).reduce((a, b) -> a + "\n" + b).orElse("  ");
    }
}

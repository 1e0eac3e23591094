package io.onceonly.cli.deadletter;

import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.dedup.config.OutputTopics;

/**
 * Decides where a dead letter goes back to and what is written. By default that is the outbox topic
 * it belongs on, upstream of the dedup stage, so a biz-id already forwarded is dropped there again and
 * a replay never makes a second effect. {@code --force} writes to that topic's output instead.
 */
final class ReplayPlanner {

    private final OnceSettings settings;
    private final DeadLetterTopics deadLetters;
    private final OutputTopics outputs;

    ReplayPlanner(OnceSettings settings) {
        this.settings = settings;
        this.deadLetters = new DeadLetterTopics(settings);
        this.outputs = settings.dedupOutputs();
    }

    /**
     * @param to the outbox topic it belongs on, when the person names it
     * @param repairedValue the value to write instead of the dead letter's (for the connector's: the repaired row)
     * @throws CommandFailure when the destination cannot be known or the record cannot be used, saying what to give
     */
    Replay plan(ConsumerRecord<byte[], byte[]> deadLetter, Optional<String> to, boolean force, Optional<byte[]> repairedValue) {
        RecordAddress from = RecordAddress.of(deadLetter);
        return switch (deadLetters.kindOf(from.topic())) {
            case DEDUP -> ofDedup(deadLetter, from, to, force, repairedValue);
            case CONNECTOR -> ofConnector(deadLetter, from, to, force, repairedValue);
        };
    }

    private Replay ofDedup(ConsumerRecord<byte[], byte[]> deadLetter, RecordAddress from, Optional<String> to, boolean force,
                           Optional<byte[]> repairedValue) {
        String reason = OnceHeaders.lastText(deadLetter.headers(), OnceHeaders.ERROR).orElse(null);
        Optional<RecordAddress> read = DeadLetterReason.inputPosition(reason);
        String input = to.or(() -> read.map(RecordAddress::topic)).orElseThrow(() -> new CommandFailure("cannot tell which"
                + " topic " + from + " was read from: its once-error does not start with the input position; name the outbox"
                + " topic it belongs on with --to TOPIC"));
        byte[] value = repairedValue.orElse(deadLetter.value());
        if (value == null) {
            throw new CommandFailure("the dead letter " + from + " has no value (it was too large for " + from.topic()
                    + " and left out); read it at " + read.map(RecordAddress::toString).orElse("its input position")
                    + " and give it with --value-file FILE");
        }
        RecordHeaders headers = new RecordHeaders(deadLetter.headers().toArray());
        headers.remove(OnceHeaders.ERROR);
        String bizId = OnceHeaders.lastText(headers, OnceHeaders.BIZ_ID).orElse(null);
        String eventId = OnceHeaders.lastText(headers, OnceHeaders.EVENT_ID).orElse(null);
        return finish(from, input, deadLetter.key(), value, headers, bizId, eventId, force, repairedValue.isPresent());
    }

    private Replay ofConnector(ConsumerRecord<byte[], byte[]> deadLetter, RecordAddress from, Optional<String> to, boolean force,
                               Optional<byte[]> repairedValue) {
        String repair = ": once dead-letters show " + from + " --value-only > row.json, edit row.json, then"
                + " once dead-letters replay " + from + " --value-file row.json";
        ConnectorRow row = new ConnectorRow(repairedValue.orElse(deadLetter.value()), settings.connector(), repair);
        String prefix = settings.topicPrefix();
        String input = to.or(() -> row.routableAggregateType().map(type -> prefix + type)).orElseThrow(() -> new CommandFailure(
                "where " + from + " belongs cannot be known: its aggregate type '" + row.aggregateTypeAsWritten() + "' cannot"
                        + " name a topic (that is why it was dead-lettered); name the outbox topic with --to TOPIC (for"
                        + " example --to " + prefix + "payment), or repair the row's aggregate type" + repair));
        String aggregateType = input.startsWith(prefix) && input.length() > prefix.length()
                ? input.substring(prefix.length()) : row.aggregateTypeAsWritten();
        var headers = row.headers(aggregateType, OnceHeaders.lastText(deadLetter.headers(), OnceHeaders.CREATED_AT));
        return finish(from, input, row.key(), row.value(), headers, row.bizId().orElse(null), row.eventId().orElse(null),
                force, repairedValue.isPresent());
    }

    private boolean isDedupOutput(String topic) {
        String prefix = outputs.outputPrefix();
        return outputs.mapping().containsValue(topic) || !prefix.isEmpty() && topic.startsWith(prefix)
                || topic.endsWith(OutboxTopics.DUPLICATES_SUFFIX);
    }

    private Replay finish(RecordAddress from, String input, byte[] key, byte[] value, Headers headers,
                          String bizId, String eventId, boolean force, boolean repaired) {
        if (input.equals(settings.connectorDeadLetterTopic()) || input.equals(settings.dedupDeadLetterTopic())) {
            throw new CommandFailure(input + " is a dead-letter topic: a replay goes to the outbox topic the record belongs on");
        }
        if (isDedupOutput(input)) {
            // --to names where the record belongs upstream; writing past the dedup stage is --force's, with its warning.
            throw new CommandFailure(input + " is an output of the dedup app (dedup.output.prefix, dedup.output.mapping): --to"
                    + " names the outbox topic upstream of it; to write to the output itself, use --force");
        }
        if (!force) {
            return new Replay(from, input, key, value, headers, bizId, eventId, null, repaired);
        }
        String output = outputs.outputFor(input);
        String bypassed = "the dedup stage: biz-id " + bizId + " is not checked against the dedup store (if it was"
                + " forwarded before, " + output + " gets it a second time and only the consumer's claim in processed_message"
                + " stops a second effect) and not remembered there (a later copy of it is forwarded too)";
        return new Replay(from, output, key, value, headers, bizId, eventId, bypassed, repaired);
    }
}

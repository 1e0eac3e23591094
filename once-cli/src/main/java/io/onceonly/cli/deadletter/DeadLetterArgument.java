package io.onceonly.cli.deadletter;

import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.kafka.RecordAddress;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The dead letter {@code show} and {@code replay} work on: {@code RECORD}, and {@code --topic} for a short one. */
public final class DeadLetterArgument {

    @Parameters(index = "0", paramLabel = "RECORD", description = "topic:partition:offset as list prints it, or partition:offset with --topic.")
    String record;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The dead-letter topic of a partition:offset: connector, dedup or its name.")
    String topic;

    /**
     * @throws IllegalArgumentException when the address is malformed or not on a dead-letter topic
     */
    RecordAddress address(OnceSettings settings) {
        return new DeadLetterTopics(settings).address(record, topic);
    }
}

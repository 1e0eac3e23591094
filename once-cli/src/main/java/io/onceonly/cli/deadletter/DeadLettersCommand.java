package io.onceonly.cli.deadletter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code once dead-letters}: the records the connector and the dedup app could not use. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List, show and replay the dead letters of the connector (rows it could not route) and of the"
                + " dedup app (records it could not use).",
        subcommands = {DeadLetterListCommand.class, DeadLetterShowCommand.class, DeadLetterReplayCommand.class})
public final class DeadLettersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show or replay");
    }
}

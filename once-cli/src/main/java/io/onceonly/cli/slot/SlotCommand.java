package io.onceonly.cli.slot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code once slot}: the replication slots of the outbox database. */
@Command(name = "slot", mixinStandardHelpOptions = true,
        description = "See the replication slots of the outbox database and the WAL each keeps; drop one.",
        subcommands = {SlotStatusCommand.class, SlotDropCommand.class})
public final class SlotCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: status or drop");
    }
}

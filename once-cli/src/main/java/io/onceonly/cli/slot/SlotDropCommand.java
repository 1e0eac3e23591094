package io.onceonly.cli.slot;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.CommandFailure;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.connector.config.ConnectorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code once slot drop NAME}: frees the WAL a slot keeps, after the person typed its name. A slot
 * being read is refused: dropping it under its reader is not possible, and ending the reader is a
 * decision of its own.
 */
@Command(name = "drop", mixinStandardHelpOptions = true,
        description = {"Drop a replication slot of the outbox database, freeing the WAL it keeps. Asks to type the slot"
                + " name unless --yes. Refuses a slot a walsender reads (stop its reader first). The connector whose slot"
                + " it was stops with 'slot lost' and needs one start with slot.lost.recovery=resend-table.",
                "Options: database.url, database.user, database.password (a user with REPLICATION, or superuser)."})
public final class SlotDropCommand extends OnceCommand {

    private static final String OBJECT_IN_USE = "55006";

    @Parameters(index = "0", paramLabel = "SLOT", description = "The slot's name, as slot status shows it.")
    String name;

    @Option(names = "--yes", description = "Drop without asking for confirmation.")
    boolean yes;

    SlotDropCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws SQLException, IOException {
        OnceSettings settings = settings();
        PrintWriter out = context.out();
        try (Connection connection = settings.outboxDatabase().connect()) {
            Optional<SlotRow> found = SlotRow.named(connection, name);
            if (found.isEmpty()) {
                throw new CommandFailure("no replication slot " + name + " on " + settings.outboxDatabase() + "; the slots are: "
                        + (SlotRow.names(connection).isEmpty() ? "(none)" : String.join(", ", SlotRow.names(connection))));
            }
            SlotRow slot = found.get();
            if (slot.active()) {
                throw new CommandFailure(activeRefusal(slot.activePid()));
            }
            boolean connectors = name.equals(settings.connector().string(ConnectorOptions.SLOT_NAME));
            if (!yes && !confirmed(slot, connectors)) {
                return FAILED;
            }
            try (PreparedStatement drop = connection.prepareStatement("select pg_drop_replication_slot(?)")) {
                drop.setString(1, name);
                drop.execute();
            } catch (SQLException e) {
                if (OBJECT_IN_USE.equals(e.getSQLState())) {
                    throw new CommandFailure(activeRefusal(SlotRow.named(connection, name).map(SlotRow::activePid).orElse(null)), e);
                }
                throw e;
            }
            out.println("dropped slot " + name + "; the server may now remove the " + WalBytes.human(slot.retainedWalBytes())
                    + " of WAL it kept" + (connectors ? ". The connector's next start on it finds its slot lost:"
                    + " start it once with slot.lost.recovery=resend-table." : "."));
            return OK;
        }
    }

    private String activeRefusal(Integer pid) {
        return "slot " + name + " is active: the walsender of pid " + pid + " reads it, and an active slot cannot be dropped."
                + " Stop its reader first (the connector, and its standby, which would take the slot over), or end it with"
                + " select pg_terminate_backend(" + pid + "), then drop again.";
    }

    private boolean confirmed(SlotRow slot, boolean connectors) throws IOException {
        PrintWriter err = context.err();
        err.println("Dropping slot " + name + " lets the server remove the " + WalBytes.human(slot.retainedWalBytes())
                + " of WAL it keeps; its reader loses its position for good"
                + (connectors ? " (it is the connector's slot: the connector stops with 'slot lost' and needs one start with"
                + " slot.lost.recovery=resend-table; rows deleted from the outbox meanwhile are lost)." : "."));
        err.print("Type the slot name to confirm: ");
        err.flush();
        String typed = context.in().readLine();
        if (typed == null || !typed.strip().equals(name)) {
            err.println("not dropped: " + (typed == null ? "no confirmation was typed (use --yes where no one can type)"
                    : "'" + typed.strip() + "' is not the slot name " + name));
            return false;
        }
        return true;
    }
}

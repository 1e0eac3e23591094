package io.onceonly.cli.slot;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.Json;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.TextTable;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.connector.config.ConnectorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code once slot status}: every logical slot, whether it is read, and the WAL it keeps. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Every logical replication slot of the outbox database (database.url): plugin, whether a walsender"
                + " reads it (and its pid), wal_status, restart_lsn, confirmed_flush_lsn, and the WAL it keeps on the"
                + " server (current WAL position - restart_lsn) and its reader has not confirmed.",
                "Options: database.url, database.user, database.password (or config.connector)."})
public final class SlotStatusCommand extends OnceCommand {

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    SlotStatusCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws SQLException {
        OnceSettings settings = settings();
        String connectorSlot = settings.connector().string(ConnectorOptions.SLOT_NAME);
        List<SlotRow> slots;
        try (Connection connection = settings.outboxDatabase().connect()) {
            slots = SlotRow.logical(connection);
        }
        PrintWriter out = context.out();
        if (json) {
            ArrayNode all = Json.mapper().createArrayNode();
            for (SlotRow slot : slots) {
                ObjectNode node = Json.mapper().valueToTree(slot);
                node.put("connectorSlot", slot.name().equals(connectorSlot));
                all.add(node);
            }
            Json.print(out, all);
            return OK;
        }
        if (slots.isEmpty()) {
            out.println("no logical replication slots on " + settings.outboxDatabase());
        } else {
            TextTable table = new TextTable("slot", "plugin", "database", "active", "pid", "wal_status", "restart_lsn",
                    "confirmed_flush_lsn", "WAL retained", "unconfirmed");
            for (SlotRow slot : slots) {
                table.row(slot.name(), slot.plugin(), slot.database(), slot.active() ? "yes" : "no", slot.activePid(),
                        slot.walStatus(), slot.restartLsn(), slot.confirmedFlushLsn(),
                        WalBytes.human(slot.retainedWalBytes()) + (slot.retainedWalBytes() == null ? "" : " (" + slot.retainedWalBytes() + " B)"),
                        WalBytes.human(slot.unconfirmedWalBytes()));
            }
            table.print(out, "");
        }
        if (slots.stream().anyMatch(slot -> slot.name().equals(connectorSlot))) {
            out.println(connectorSlot + " is the connector's slot (connector.slot.name).");
        } else {
            out.println("The connector's slot " + connectorSlot + " (connector.slot.name) does not exist: the connector has"
                    + " not started on this database yet, or the slot was dropped (the connector then stops with 'slot lost'"
                    + " and needs one start with slot.lost.recovery=resend-table).");
        }
        for (SlotRow slot : slots) {
            if ("lost".equals(slot.walStatus()) || "unreserved".equals(slot.walStatus())) {
                out.println("Slot " + slot.name() + " has wal_status " + slot.walStatus() + ": "
                        + ("lost".equals(slot.walStatus()) ? "its WAL is gone; its reader cannot resume from it."
                        : "the server may remove WAL it still needs (max_slot_wal_keep_size)."));
            }
        }
        return OK;
    }
}

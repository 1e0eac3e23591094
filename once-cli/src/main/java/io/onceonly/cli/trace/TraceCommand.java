package io.onceonly.cli.trace;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.onceonly.cli.CliContext;
import io.onceonly.cli.Json;
import io.onceonly.cli.OnceCommand;
import io.onceonly.cli.SinceOption;
import io.onceonly.cli.TextTable;
import io.onceonly.cli.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code once trace BIZ-ID}: every place a business fact went, in order, and what it has not reached yet. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Every place a business fact (a biz-id) went, in order: its outbox rows, its records on the outbox"
                + " topics, the dedup app's decision (forwarded, or dropped as a duplicate of which event), the dead letters"
                + " that name it, the replays of them, and the consumer's claims; then what has not happened yet.",
                "Reads topics from the earliest offset (or --since) to their current end, committed records only.",
                "Options: kafka.bootstrap.servers; database.url (else no outbox rows); consumer.database.url (else no"
                        + " claims); connector.* and dedup.* names (or config.connector, config.dedup).",
                "Exit code 0 when the biz-id was found somewhere, 1 when nowhere."})
public final class TraceCommand extends OnceCommand {

    @Parameters(index = "0", paramLabel = "BIZ-ID", description = "The business id, as in the outbox's biz_id column.")
    String bizId;

    @Mixin
    SinceOption since;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Give up a scan of the topics that takes longer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print JSON instead of a timeline.")
    boolean json;

    TraceCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws SQLException {
        if (bizId.isBlank()) {
            throw new IllegalArgumentException("BIZ-ID is blank: name the business id to trace");
        }
        Optional<Instant> from = since.instant(context.clock());
        Trace trace = new Tracer(settings(), context.err()).trace(bizId, from, Duration.ofSeconds(timeoutSeconds));
        if (json) {
            printJson(trace);
        } else {
            print(trace);
        }
        return trace.found() ? OK : FAILED;
    }

    private void print(Trace trace) {
        PrintWriter out = context.out();
        out.println("biz-id " + trace.bizId() + ": " + trace.verdict());
        if (trace.found()) {
            out.println();
            TextTable table = new TextTable("time (UTC)", "stage", "where", "event id", "detail");
            trace.sightings().forEach(s -> table.row(Times.show(s.at()), s.stage().label(), s.where(), s.eventId(), s.detail()));
            table.print(out, "  ");
        }
        out.println();
        if (trace.found()) {
            if (trace.missing().isEmpty()) {
                out.println("Missing: nothing");
            } else {
                out.println("Missing:");
                trace.missing().forEach(line -> out.println("  - " + line));
            }
        }
        if (!trace.notes().isEmpty()) {
            out.println("Notes:");
            trace.notes().forEach(line -> out.println("  - " + line));
        }
        out.println("Looked in:");
        trace.lookedIn().forEach(line -> out.println("  - " + line));
    }

    private void printJson(Trace trace) {
        ObjectNode document = Json.object();
        document.put("bizId", trace.bizId());
        document.put("found", trace.found());
        document.put("verdict", trace.verdict());
        ArrayNode timeline = document.putArray("timeline");
        for (Sighting s : trace.sightings()) {
            ObjectNode node = timeline.addObject();
            node.put("at", s.at() == null ? null : s.at().toString());
            node.put("stage", s.stage().name());
            node.put("where", s.where());
            node.put("eventId", s.eventId());
            node.put("detail", s.detail());
        }
        trace.missing().forEach(document.putArray("missing")::add);
        trace.notes().forEach(document.putArray("notes")::add);
        trace.lookedIn().forEach(document.putArray("lookedIn")::add);
        Json.print(context.out(), document);
    }
}

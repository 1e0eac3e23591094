package io.onceonly.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;

import io.onceonly.cli.config.CliOptions;
import io.onceonly.cli.deadletter.DeadLettersCommand;
import io.onceonly.cli.slot.SlotCommand;
import io.onceonly.cli.trace.TraceCommand;
import io.onceonly.runtime.OptionsTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code once} command: {@code trace}, {@code dead-letters}, {@code slot}. Exit codes: 0 done,
 * 1 not found, refused or failed, 2 a wrong command line or option (the message names it).
 */
@Command(name = "once", mixinStandardHelpOptions = true, version = "once 0.1.0",
        description = {"Operate a Once pipeline: follow a biz-id through it, handle dead letters, see and drop replication slots.",
                "Options come from --config FILE (or $ONCE_CONFIG), then ONCE_* environment variables, then --name=value"
                        + " arguments, after the subcommand; see --list-options."},
        subcommands = {TraceCommand.class, DeadLettersCommand.class, SlotCommand.class},
        exitCodeOnInvalidInput = OnceCommand.USAGE, exitCodeOnExecutionException = OnceCommand.FAILED)
public final class Once implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--list-options", description = "Print the table of options (file, environment, --name=value) and exit.")
    boolean listOptions;

    Once(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (listOptions) {
            context.out().print(OptionsTable.markdown(CliOptions.definition(), CliOptions.PASS_THROUGH));
            context.out().flush();
            return OnceCommand.OK;
        }
        spec.commandLine().usage(context.err());
        return OnceCommand.USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.exit(run(args, new CliContext(System.getenv(), in, out, err, Clock.systemUTC())));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, CliContext context) {
        CommandLine line = new CommandLine(new Once(context), new ContextFactory(context));
        line.setOut(context.out());
        line.setErr(context.err());
        line.setExecutionExceptionHandler((e, failed, parsed) -> {
            String command = failed.getCommandSpec().qualifiedName();
            int code = OnceCommand.FAILED;
            String message;
            if (e instanceof ConfigException) {
                message = "configuration error: " + e.getMessage();
                code = OnceCommand.USAGE;
            } else if (e instanceof IllegalArgumentException) {
                message = e.getMessage();
                code = OnceCommand.USAGE;
            } else if (e instanceof CommandFailure) {
                message = e.getMessage();
            } else if (e instanceof SQLException) {
                message = "database: " + e.getMessage();
            } else if (e instanceof TimeoutException
                    || e.getCause() instanceof TimeoutException) {
                message = "Kafka did not answer in time: are kafka.bootstrap.servers and the kafka.* security settings right,"
                        + " and the cluster up? (" + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")";
            } else if (e instanceof KafkaException) {
                message = "Kafka: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
            } else {
                message = e.toString();
            }
            context.err().println(command + ": " + message);
            context.err().flush();
            return code;
        });
        int code = line.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }
}

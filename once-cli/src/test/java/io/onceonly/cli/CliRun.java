package io.onceonly.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/** Runs the once command in this JVM, as a person would type it, and keeps what it printed. */
public record CliRun(int code, String out, String err) {

    /** Runs {@code args} with no environment and nothing typed on the console. */
    public static CliRun of(String... args) {
        return typing(null, args);
    }

    /** Runs {@code args} with {@code typed} as the console's input (null: nothing, end of input). */
    public static CliRun typing(String typed, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BufferedReader in = new BufferedReader(new StringReader(typed == null ? "" : typed + "\n"));
        int code = Once.run(args, new CliContext(Map.of(), in, new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.systemUTC()));
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}

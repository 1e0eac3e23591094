package io.onceonly.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What a command runs in: its environment (where {@code ONCE_*} options come from), the console it
 * asks for confirmation on, and its output streams. Tests give their own.
 *
 * @param in the console's input, for confirmations
 * @param out results: what scripts read
 * @param err progress, warnings and errors
 */
public record CliContext(Map<String, String> env, BufferedReader in, PrintWriter out, PrintWriter err, Clock clock) {
}

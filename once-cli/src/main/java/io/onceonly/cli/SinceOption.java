package io.onceonly.cli;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import picocli.CommandLine.Option;

/** {@code --since TIME} of the subcommands that read topics: where in time their reading starts. */
public final class SinceOption {

    @Option(names = "--since", paramLabel = "TIME",
            description = "Read topics from this time on: 2026-12-01T14:00:00Z, or back from now: PT2H, P1D.")
    String since;

    /**
     * @return empty when not given (read from the earliest offset)
     * @throws IllegalArgumentException naming the value and both forms
     */
    public Optional<Instant> instant(Clock clock) {
        return Optional.ofNullable(since).map(text -> Times.since(text, clock));
    }
}

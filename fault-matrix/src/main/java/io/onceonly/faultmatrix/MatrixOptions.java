package io.onceonly.faultmatrix;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix's command line, checked at start: each bad value is named with what it must be.
 *
 * @param events purchase requests per cell
 * @param rate offered purchases per second
 * @param clients concurrent buyers
 * @param cells the cells to run, in order
 * @param duration for a soak: run the cells again and again until this much time passed; zero for one pass
 * @param outage how long a killed dedup instance stays down before its restart; a network cut lasts twice this
 * @param out where results, charts and the stages' logs go
 * @param seed the buyers' seed
 */
public record MatrixOptions(int events, int rate, int clients, List<Cell> cells, Duration duration, Duration outage, Path out,
                           long seed) {

    /** How long a killed dedup instance stays down when {@code --outage} is not given. */
    public static final Duration DEFAULT_OUTAGE = Duration.ofSeconds(10);

    /** The usage text of {@code --help}. */
    public static final String USAGE = """
            Once fault matrix: the exactly-one-card guarantee under each fault a deployment meets. Every stage in its own JVM
            (payment service, connector, two dedup instances, card service) on a three-broker KRaft cluster (RF 3,
            min.insync.replicas=2) and a durable PostgreSQL 17; each cell a run of its own with a steady load while its fault
            happens. Exit code 0 when every cell's verdict holds.

            Usage: mvn -B -ntp -q -pl fault-matrix exec:java -Dexec.args="[options]"

              --events=N      purchase requests per cell, at least (the load goes on until 5 s after the fault; default 100000)
              --rate=N        purchases offered per second (default 1000)
              --clients=N     concurrent buyers (default 8)
              --cells=LIST    comma-separated cells, or all (default all): %s
              --duration=D    soak: repeat the cells until D passed (ISO-8601, for example PT2H; default one pass)
              --outage=D      a killed dedup instance stays down D before its restart, a network cut lasts 2 D (ISO-8601;
                              default PT10S: down 10 s, cut 20 s); a killed broker stays down 10 s whatever D
              --out=DIR       results.json, results.md, a chart per cell, the stages' logs (default target/fault-matrix)
              --seed=N        the buyers' seed (default 42)
              --help          this text
            """.formatted(String.join(", ", Cell.parse("all").stream().map(Cell::id).toList()));

    public MatrixOptions {
        cells = List.copyOf(cells);
    }

    /**
     * Parses {@code --name=value} arguments.
     *
     * @return null for {@code --help}
     * @throws IllegalArgumentException naming the bad argument
     */
    public static MatrixOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("argument '" + arg + "' is not --name=value (see --help)");
            }
            given.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        int events = positive(given, "events", 100_000);
        int rate = positive(given, "rate", 1_000);
        int clients = positive(given, "clients", 8);
        List<Cell> cells = Cell.parse(given.getOrDefault("cells", "all"));
        Duration duration = duration(given, "duration", Duration.ZERO, "PT2H or PT30M");
        Duration outage = duration(given, "outage", DEFAULT_OUTAGE, "PT10S");
        if (outage.isNegative() || outage.isZero()) {
            throw new IllegalArgumentException("--outage=" + given.get("outage") + " must be longer than zero");
        }
        Path out = Path.of(given.getOrDefault("out", "target/fault-matrix"));
        long seed;
        try {
            seed = Long.parseLong(given.getOrDefault("seed", "42"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed=" + given.get("seed") + " is not a number");
        }
        for (String name : given.keySet()) {
            if (!List.of("events", "rate", "clients", "cells", "duration", "outage", "out", "seed").contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
            }
        }
        return new MatrixOptions(events, rate, clients, cells, duration, outage, out, seed);
    }

    private static Duration duration(Map<String, String> given, String name, Duration fallback, String example) {
        String value = given.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--" + name + "=" + value + " is not an ISO-8601 duration such as " + example);
        }
    }

    private static int positive(Map<String, String> given, String name, int fallback) {
        String value = given.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("--" + name + "=" + value + " must be a whole number above 0");
    }
}

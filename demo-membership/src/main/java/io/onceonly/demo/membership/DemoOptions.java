package io.onceonly.demo.membership;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.onceonly.demo.membership.driver.Fault;

/**
 * The demo's command line, parsed and checked once. Every error names the option, the bad value
 * and what is expected.
 *
 * @param events purchase requests to send
 * @param clients concurrent buyers
 * @param rate purchase requests per second over all buyers; 0 for as fast as they go
 * @param faults the faults to inject
 * @param bootstrapServers the user's Kafka, or null for the embedded one
 * @param jdbcUrl the user's PostgreSQL, or null for the embedded one
 * @param jdbcUser database user (needs the REPLICATION attribute for the relay)
 * @param jdbcPassword its password
 * @param reportDir where report.md, latency.svg and the stages' logs go
 * @param seed seed of the buyers' random choices, for a repeatable run
 * @param reset remove an earlier run's schemas, slot and topics from the user's servers first
 * @param help print the usage and stop
 */
public record DemoOptions(int events, int clients, int rate, Set<Fault> faults, String bootstrapServers, String jdbcUrl,
                          String jdbcUser, String jdbcPassword, Path reportDir, long seed, boolean reset, boolean help) {

    /** What {@code --help} prints. */
    public static final String USAGE = """
            Usage: java -jar demo-membership/target/demo-membership.jar [options]

            Pay once, get exactly one card: buyers purchase membership cards, the payment service
            writes PaymentCompleted to its outbox, the relay and the dedup app carry it to the card
            service, which issues exactly one card per payment while faults break the pipeline.

              --events N              purchase requests (default 10000)
              --clients N             concurrent buyers (default 8)
              --rate N                purchase requests per second, 0 for unthrottled (default 1000)
              --faults LIST           none, all, or a comma-separated list of: client-retry,
                                      business-resend, connector-crash, dedup-crash, card-crash,
                                      malformed-rows (default all)
              --bootstrap-servers H   use this Kafka instead of the embedded one
              --jdbc-url URL          use this PostgreSQL (wal_level=logical) instead of the embedded one
              --jdbc-user NAME        its user, with the REPLICATION attribute (default postgres)
              --jdbc-password PW      its password (default empty; or $PGPASSWORD)
              --reset                 remove an earlier demo run's schemas, slot and topics first
              --report-dir DIR        where report.md and latency.svg go (default target/membership-demo)
              --seed N                seed of the buyers' choices (default 42)
              --help                  this text

            Exit code: 0 when the verdict holds, 1 when it does not, 2 for a usage error.

            The services alone, as deployable apps (see docker/compose.yaml):
              java -jar demo-membership.jar payment-service --list-options
              java -jar demo-membership.jar card-service --list-options
            """;

    /**
     * Parses {@code --name value} and {@code --name=value} arguments.
     *
     * @param env the environment, for the password
     * @throws IllegalArgumentException naming the option and what it expects
     */
    public static DemoOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> given = new LinkedHashMap<>();
        boolean reset = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--reset")) {
                reset = true;
            } else if (arg.startsWith("--") && arg.contains("=")) {
                given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                given.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("argument '" + arg + "' is not understood: options are --name value; see --help");
            }
        }
        for (String name : given.keySet()) {
            if (!Set.of("events", "clients", "rate", "faults", "bootstrap-servers", "jdbc-url", "jdbc-user", "jdbc-password",
                    "report-dir", "seed").contains(name)) {
                throw new IllegalArgumentException("--" + name + " is not an option of the demo; see --help");
            }
        }
        String bootstrap = blankToNull(given.get("bootstrap-servers"));
        String jdbcUrl = blankToNull(given.get("jdbc-url"));
        if ((bootstrap == null) != (jdbcUrl == null)) {
            throw new IllegalArgumentException("--bootstrap-servers and --jdbc-url go together: give both to run on your own"
                    + " Kafka and PostgreSQL, or neither for the embedded ones");
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--jdbc-url '" + jdbcUrl + "' must look like jdbc:postgresql://host:5432/dbname");
        }
        if (reset && jdbcUrl == null) {
            throw new IllegalArgumentException("--reset is for your own servers (--bootstrap-servers, --jdbc-url):"
                    + " the embedded ones start empty every time");
        }
        return new DemoOptions(
                number(given, "events", 10_000, 1, 10_000_000),
                number(given, "clients", 8, 1, 256),
                number(given, "rate", 1_000, 0, 1_000_000),
                Fault.parseList(given.getOrDefault("faults", "all")),
                bootstrap, jdbcUrl,
                given.getOrDefault("jdbc-user", "postgres"),
                given.getOrDefault("jdbc-password", env.getOrDefault("PGPASSWORD", "")),
                Path.of(given.getOrDefault("report-dir", "target/membership-demo")),
                number(given, "seed", 42, Integer.MIN_VALUE, Integer.MAX_VALUE),
                reset, help);
    }

    /** Whether the demo runs on the embedded Kafka and PostgreSQL. */
    public boolean embedded() {
        return bootstrapServers == null;
    }

    private static int number(Map<String, String> given, String name, int fallback, int min, int max) {
        String value = given.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip().replace("_", "").replace(",", ""));
            if (n < min || n > max) {
                throw new IllegalArgumentException("--" + name + " " + value + " is out of range: use " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " '" + value + "' is not a whole number, for example --" + name + " " + fallback);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

package io.onceonly.demo.membership;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.onceonly.demo.membership.driver.Fault;

/**
 * The demo's command line, parsed and checked once. Options are {@code --option=value}, named as
 * the apps name them ({@code kafka.bootstrap.servers}, {@code database.url} …); {@code --reset} and
 * {@code --help} are flags. Every error names the option as it was given, the bad value and what
 * is expected.
 *
 * <p>The former spellings still work for a release: {@code --bootstrap-servers},
 * {@code --jdbc-url}, {@code --jdbc-user}, {@code --jdbc-password}, and a value in the next
 * argument ({@code --events 10000}). Each use adds a line to {@link #deprecations()}.
 *
 * @param events purchase requests to send
 * @param clients concurrent buyers
 * @param rate purchase requests per second over all buyers; 0 for as fast as they go
 * @param faults the faults to inject
 * @param bootstrapServers the user's Kafka, or null for the embedded one
 * @param kafka the other Kafka client settings given as {@code --kafka.NAME=VALUE} (security, for
 *     example), {@code kafka.} removed: every Kafka client of the demo and of its stages gets them
 * @param databaseUrl the user's PostgreSQL, or null for the embedded one
 * @param databaseUser database user (needs the REPLICATION attribute for the connector)
 * @param databasePassword its password
 * @param reportDir where report.md, latency.svg and the stages' logs go
 * @param seed seed of the buyers' random choices, for a repeatable run
 * @param reset remove an earlier run's schemas, slot and topics from the user's servers first
 * @param help print the usage and stop
 * @param deprecations one line per former spelling used, saying the one to write instead
 */
public record DemoOptions(int events, int clients, int rate, Set<Fault> faults, String bootstrapServers, Map<String, String> kafka,
                          String databaseUrl,
                          String databaseUser, String databasePassword, Path reportDir, long seed, boolean reset, boolean help,
                          List<String> deprecations) {

    /** Prefix of the Kafka client settings. */
    static final String KAFKA_PREFIX = "kafka.";
    /** Option {@value}: the user's Kafka. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Option {@value}: the user's PostgreSQL. */
    public static final String DATABASE_URL = "database.url";
    /** Option {@value}. */
    public static final String DATABASE_USER = "database.user";
    /** Option {@value}. */
    public static final String DATABASE_PASSWORD = "database.password";

    /** What {@code --help} prints. */
    public static final String USAGE = """
            Usage: java -jar demo-membership/target/demo-membership.jar [--option=value ...] [--reset]

            Pay once, get exactly one card: buyers purchase membership cards, the payment service
            writes PaymentCompleted to its outbox, the connector and the dedup app carry it to the
            card service, which issues exactly one card per payment while faults break the pipeline.

              --events=N                      purchase requests (default 10000)
              --clients=N                     concurrent buyers (default 8)
              --rate=N                        purchase requests per second, 0 for unthrottled (default 1000)
              --faults=LIST                   none, all, or a comma-separated list of: client-retry,
                                              business-resend, connector-crash, dedup-crash, card-crash,
                                              malformed-rows (default all)
              --kafka.bootstrap.servers=H     use this Kafka instead of the embedded one
              --kafka.NAME=VALUE              any other Kafka client setting, for every client of the demo and its
                                              stages: --kafka.security.protocol=SASL_SSL, --kafka.sasl.mechanism,
                                              --kafka.sasl.jaas.config, --kafka.ssl.truststore.location, ...
              --database.url=URL              use this PostgreSQL (wal_level=logical) instead of the embedded one
              --database.user=NAME            its user, with the REPLICATION attribute (default postgres)
              --database.password=PW          its password (default empty; or $PGPASSWORD)
              --reset                         remove an earlier demo run's schemas, slot and topics first
              --report-dir=DIR                where report.md and latency.svg go (default target/membership-demo)
              --seed=N                        seed of the buyers' choices (default 42)
              --help                          this text

            Still accepted for now, with a note: --bootstrap-servers, --jdbc-url, --jdbc-user,
            --jdbc-password, and the value as the next argument (--events 10000).

            Exit code: 0 when the verdict holds, 1 when it does not, 2 for a usage error.

            The services alone, as deployable apps (docker/compose.yaml runs them from
            membership-services.jar, which carries no servers; this jar runs them too):
              java -jar membership-services/target/membership-services.jar payment-service --list-options
              java -jar membership-services/target/membership-services.jar card-service --list-options
            """;

    /** Each option with what its value is, as {@link #USAGE} shows it. */
    private static final Map<String, String> OPTIONS = orderedMap(
            "events", "N", "clients", "N", "rate", "N", "faults", "LIST",
            KAFKA_BOOTSTRAP_SERVERS, "H", DATABASE_URL, "URL", DATABASE_USER, "NAME", DATABASE_PASSWORD, "PW",
            "report-dir", "DIR", "seed", "N");

    /** Former name to option, kept for a release so that existing scripts still run. */
    private static final Map<String, String> FORMER_NAMES = Map.of(
            "bootstrap-servers", KAFKA_BOOTSTRAP_SERVERS,
            "jdbc-url", DATABASE_URL,
            "jdbc-user", DATABASE_USER,
            "jdbc-password", DATABASE_PASSWORD);

    private static final Set<String> FLAGS = Set.of("reset", "help");

    public DemoOptions {
        kafka = Map.copyOf(kafka);
        deprecations = List.copyOf(deprecations);
    }

    /**
     * Parses {@code --option=value} arguments, the flags {@code --reset}, {@code --help} and
     * {@code -h}, and the former spellings (noted in {@link #deprecations()}).
     *
     * @param env the environment, for the password
     * @throws IllegalArgumentException naming the option and what it expects
     */
    public static DemoOptions parse(String[] args, Map<String, String> env) {
        Given given = new Given();
        Map<String, String> kafka = new LinkedHashMap<>();
        boolean reset = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--reset")) {
                reset = true;
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String written = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                if (FLAGS.contains(written)) {
                    throw new IllegalArgumentException("--" + written + " is a flag: give it without a value");
                }
                String name = FORMER_NAMES.getOrDefault(written, written);
                if (name.startsWith(KAFKA_PREFIX) && !OPTIONS.containsKey(name)) {
                    if (eq < 0) {
                        throw new IllegalArgumentException("--" + written + " needs a value: --" + written + "=VALUE");
                    }
                    kafka.put(written.substring(KAFKA_PREFIX.length()), arg.substring(eq + 1));
                    continue;
                }
                if (!OPTIONS.containsKey(name)) {
                    throw new IllegalArgumentException("--" + written + " is not an option of the demo; see --help");
                }
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("--" + written + " needs a value: --" + name + "=" + OPTIONS.get(name));
                }
                given.put(written, name, value, eq < 0);
            } else {
                throw new IllegalArgumentException("argument '" + arg + "' is not understood: options are --option=value; see --help");
            }
        }
        String bootstrap = blankToNull(given.value(KAFKA_BOOTSTRAP_SERVERS));
        String databaseUrl = blankToNull(given.value(DATABASE_URL));
        if ((bootstrap == null) != (databaseUrl == null)) {
            throw new IllegalArgumentException(given.label(KAFKA_BOOTSTRAP_SERVERS) + " and " + given.label(DATABASE_URL)
                    + " go together: give both to run on your own Kafka and PostgreSQL, or neither for the embedded ones");
        }
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(given.label(DATABASE_URL) + "='" + databaseUrl
                    + "' must look like jdbc:postgresql://host:5432/dbname");
        }
        if (!kafka.isEmpty() && bootstrap == null) {
            throw new IllegalArgumentException("--" + KAFKA_PREFIX + kafka.keySet().iterator().next() + " is for your own Kafka (--"
                    + KAFKA_BOOTSTRAP_SERVERS + "): the embedded one takes no client settings");
        }
        if (reset && databaseUrl == null) {
            throw new IllegalArgumentException("--reset is for your own servers (--" + KAFKA_BOOTSTRAP_SERVERS + ", --" + DATABASE_URL
                    + "): the embedded ones start empty every time");
        }
        return new DemoOptions(
                given.number("events", 10_000, 1, 10_000_000),
                given.number("clients", 8, 1, 256),
                given.number("rate", 1_000, 0, 1_000_000),
                Fault.parseList(given.valueOr("faults", "all")),
                bootstrap, kafka, databaseUrl,
                given.valueOr(DATABASE_USER, "postgres"),
                given.valueOr(DATABASE_PASSWORD, env.getOrDefault("PGPASSWORD", "")),
                Path.of(given.valueOr("report-dir", "target/membership-demo")),
                given.number("seed", 42, Integer.MIN_VALUE, Integer.MAX_VALUE),
                reset, help, given.deprecations);
    }

    /** The Kafka client settings of the user's Kafka, {@code bootstrap.servers} included (null for the embedded one). */
    public Map<String, String> kafkaClient() {
        if (embedded()) {
            return null;
        }
        Map<String, String> client = new LinkedHashMap<>(kafka);
        client.put("bootstrap.servers", bootstrapServers);
        return client;
    }

    /** Whether the demo runs on the embedded Kafka and PostgreSQL. */
    public boolean embedded() {
        return bootstrapServers == null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** The options as given: by option name, each with the spelling the user wrote, for messages that quote it. */
    private static final class Given {
        private final Map<String, String> values = new HashMap<>();
        private final Map<String, String> spellings = new HashMap<>();
        private final List<String> deprecations = new ArrayList<>();

        void put(String written, String name, String value, boolean valueInNextArgument) {
            String earlier = spellings.put(name, written);
            if (earlier != null && !earlier.equals(written)) {
                throw new IllegalArgumentException("--" + earlier + " and --" + written + " are the same option: give it once, as --"
                        + name + "=" + OPTIONS.get(name));
            }
            values.put(name, value);
            if (valueInNextArgument || !written.equals(name)) {
                // The password is not echoed back.
                String shown = name.equals(DATABASE_PASSWORD) ? OPTIONS.get(name) : value;
                deprecations.add("Note: '--" + written + (valueInNextArgument ? " " : "=") + shown + "' is a former spelling;"
                        + " write --" + name + "=" + shown);
            }
        }

        String value(String name) {
            return values.get(name);
        }

        String valueOr(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        /** The option as the user spelled it, or its name when not given. */
        String label(String name) {
            return "--" + spellings.getOrDefault(name, name);
        }

        int number(String name, int fallback, int min, int max) {
            String value = values.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value.strip().replace("_", "").replace(",", ""));
                if (n < min || n > max) {
                    throw new IllegalArgumentException(label(name) + "=" + value + " is out of range: use " + min + " to " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(label(name) + "='" + value + "' is not a whole number, for example --"
                        + name + "=" + fallback);
            }
        }
    }
}

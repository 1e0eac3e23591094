package io.onceonly.docker;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigDef;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.demo.membership.card.CardIssuingApp;
import io.onceonly.demo.membership.payment.PaymentApp;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.runtime.AppOptions;

/**
 * Once's apps that docker/Dockerfile packages, each with the option definition it reads its
 * configuration with: the same {@link ConfigDef} that {@code --list-options} prints.
 */
enum DeployableApp {

    OUTBOX_CONNECTOR("outbox-connector", null, ConnectorOptions.definition(),
            List.of(ConnectorOptions.KAFKA_PREFIX, ConnectorOptions.DEBEZIUM_PREFIX), ConnectorOptions.HTTP_PORT,
            options -> ConnectorConfig.from(options), null),
    DEDUP_STREAMS("dedup-streams", null, DedupOptions.definition(),
            List.of(DedupOptions.KAFKA_PREFIX), DedupOptions.HTTP_PORT,
            options -> DedupConfig.from(options), DedupOptions.STATE_DIR),
    PAYMENT_SERVICE("membership-services", MembershipServices.PAYMENT_SERVICE, PaymentApp.definition(),
            List.of(), "http.port", options -> PaymentApp.config(options), null),
    CARD_SERVICE("membership-services", MembershipServices.CARD_SERVICE, CardIssuingApp.definition(),
            List.of("kafka."), "http.port", options -> CardIssuingApp.config(options), null);

    private final String module;
    private final String command;
    private final ConfigDef definition;
    private final List<String> passThroughPrefixes;
    private final String httpPortOption;
    private final Consumer<AppOptions> parser;
    private final String stateDirOption;

    DeployableApp(String module, String command, ConfigDef definition, List<String> passThroughPrefixes, String httpPortOption,
                  Consumer<AppOptions> parser, String stateDirOption) {
        this.module = module;
        this.command = command;
        this.definition = definition;
        this.passThroughPrefixes = passThroughPrefixes;
        this.httpPortOption = httpPortOption;
        this.parser = parser;
        this.stateDirOption = stateDirOption;
    }

    /**
     * The app packaged from Maven module {@code module} and started with {@code command} (the first
     * word of the service's command; none for a jar of one app), if it is one of ours.
     */
    static Optional<DeployableApp> of(String module, Optional<String> command) {
        return Arrays.stream(values()).filter(app -> app.module.equals(module) && Optional.ofNullable(app.command).equals(command))
                .findFirst();
    }

    /** The Maven module, also the name of its runnable jar without {@code .jar}. */
    String module() {
        return module;
    }

    /**
     * Whether several replicas may run side by side. The dedup app may, each with a state
     * directory of its own; the connector may not: its replication slot admits one reader.
     */
    boolean scalable() {
        return stateDirOption != null;
    }

    /** The option naming a scalable app's local state directory. */
    String stateDirOption() {
        return stateDirOption;
    }

    /** Whether the app takes {@code option}: one of its own, or under a prefix it passes through. */
    boolean accepts(String option) {
        return definition.names().contains(option)
                || passThroughPrefixes.stream().anyMatch(prefix -> option.startsWith(prefix) && option.length() > prefix.length());
    }

    /** The option {@code option} was most likely meant to be, when one is close enough to be a typo. */
    Optional<String> closestOption(String option) {
        int dot = option.indexOf('.');
        Stream<String> withFixedPrefix = dot < 0 ? Stream.empty()
                : passThroughPrefixes.stream().map(prefix -> prefix + option.substring(dot + 1));
        return Stream.concat(definition.names().stream(), withFixedPrefix)
                .filter(candidate -> !candidate.equals(option))
                .min(Comparator.comparingInt(candidate -> editDistance(option, candidate)))
                .filter(candidate -> editDistance(option, candidate) <= Math.max(2, option.length() / 6));
    }

    /** The pass-through families, as the option table shows them. */
    String passThroughFamilies() {
        return String.join(", ", passThroughPrefixes.stream().map(prefix -> prefix + "*").toList());
    }

    /** The port /health listens on for these options: their http.port, else its default. */
    int httpPort(Map<String, String> options) {
        String value = options.get(httpPortOption);
        return value == null ? (Integer) definition.configKeys().get(httpPortOption).defaultValue : Integer.parseInt(value.strip());
    }

    String httpPortOption() {
        return httpPortOption;
    }

    /**
     * Runs the app's own configuration parser on these options, as it does at start.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the option the app refuses
     */
    void parse(AppOptions options) {
        parser.accept(options);
    }

    /** The command that prints the options of this app, run by {@code service}. */
    String listOptionsCommand(String service) {
        return "docker compose run --rm --no-deps " + service + (command == null ? "" : " " + command) + " --list-options";
    }

    // Levenshtein distance: how many single-character edits turn one name into the other.
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

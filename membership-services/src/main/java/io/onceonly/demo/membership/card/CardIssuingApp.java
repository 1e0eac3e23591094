package io.onceonly.demo.membership.card;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceonly.demo.membership.services.ServiceDatabase;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.AppRunner;
import io.onceonly.runtime.BindAddress;
import io.onceonly.runtime.HealthReport;
import io.onceonly.runtime.KafkaCluster;
import io.onceonly.runtime.OpsRoute;
import io.onceonly.runtime.OpsServer;

/**
 * The card-issuing service as a deployable app: {@code java -jar membership-services.jar card-service}.
 * Consumes the deduplicated payments topic and issues one card per payment; {@code kafka.*}
 * passes to its consumer. Exit codes as every Once app: 0 after SIGTERM, 1 on failure, 2 for a bad option.
 */
public final class CardIssuingApp {

    static final String TOPIC = "topic";
    static final String HTTP_PORT = "http.port";
    static final String KAFKA_PREFIX = "kafka.";
    static final String FAULT_INJECTION = "fault.injection";
    /** With {@value #FAULT_INJECTION} on: the next batch holds after its database commit, before its offset commit. */
    public static final String HOLD_PATH = "/faults/hold-before-offset-commit";

    private static final ConfigDef OPTIONS = BindAddress.define(ServiceDatabase.define(new ConfigDef(), "card")
            .define(TOPIC, Type.STRING, "deduped.payment", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The deduplicated topic of PaymentCompleted events (the dedup app's output for the payment topic).")
            .define(HTTP_PORT, Type.INT, 8086, Range.between(0, 65_535), Importance.MEDIUM,
                    "Port of /health and /metrics; 0 picks a free port.")
            .define(FAULT_INJECTION, Type.BOOLEAN, false, Importance.LOW,
                    "For fault tests only: POST " + HOLD_PATH + " makes the next batch stop after its database commit,"
                            + " before its offset commit, until the process is killed (/health says held)."));

    private static final List<String[]> PASS_THROUGH = List.<String[]>of(new String[] {"kafka.*",
            "consumer settings, for example `kafka.bootstrap.servers` (required), `kafka.security.protocol`,"
                    + " `kafka.sasl.mechanism`, `kafka.sasl.jaas.config`, `kafka.ssl.truststore.location`; the group,"
                    + " read_committed isolation, manual offset commits and no topic auto-creation are the service's own."
                    + " The ACLs it needs are in docker/README.md."});

    private static final String USAGE = "Once demo card-issuing service: one card per payment, claimed in the same"
            + " transaction as the card, offsets committed after it.\n\n"
            + "Usage: java -jar membership-services.jar card-service [--config FILE] [--option=value ...] [--list-options]";

    private static final Logger LOG = LoggerFactory.getLogger(CardIssuingApp.class);

    private CardIssuingApp() {
    }

    /** Runs the app; returns its exit code. */
    public static int run(String[] args) {
        return new AppRunner(USAGE, OPTIONS, PASS_THROUGH).run(args, System.getenv(), CardIssuingApp::start, System.out, System.err);
    }

    /** The options, for the option table and the compose check. */
    public static ConfigDef definition() {
        return OPTIONS;
    }

    /** The pass-through family ({@code kafka.*}), for the option table. */
    public static List<String[]> passThrough() {
        return PASS_THROUGH;
    }

    /**
     * Parses and checks the options as the app does at start.
     *
     * @throws ConfigException naming the option
     */
    public static AbstractConfig config(AppOptions options) {
        AbstractConfig config = new AbstractConfig(OPTIONS, options.own(OPTIONS, "card service", KAFKA_PREFIX), false);
        ServiceDatabase.check(config);
        KafkaCluster.requireBootstrapServers(options.withPrefix(KAFKA_PREFIX));
        return config;
    }

    private static AppRunner.Running start(AppOptions options) throws SQLException {
        AbstractConfig config = config(options);
        HikariDataSource db = ServiceDatabase.open(config, "card-service");
        try (Connection c = db.getConnection()) {
            CardSchema.install(c);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        CardIssuingService cards = new CardIssuingService(db, options.withPrefix(KAFKA_PREFIX), config.getString(TOPIC), ids -> { }).start();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FunctionCounter.builder("once.demo.cards.issued", cards, CardIssuingService::issued).register(registry);
        FunctionCounter.builder("once.demo.cards.deliveries", cards, CardIssuingService::delivered).register(registry);
        FunctionCounter.builder("once.demo.cards.claim.refused", cards, CardIssuingService::claimRefused)
                .description("redelivered payments whose card was already issued").register(registry);
        OpsServer ops = OpsServer.start(config.getString(BindAddress.OPTION), config.getInt(HTTP_PORT), () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("consumer", cards.isRunning() ? "RUNNING" : "STOPPED");
            details.put("cardsIssued", cards.issued());
            details.put("claimRefused", cards.claimRefused());
            details.put("held", cards.held());
            if (cards.failure() != null) {
                details.put("failure", cards.failure());
            }
            return new HealthReport(cards.isRunning() || cards.held(), details);
        }, registry, config.getBoolean(FAULT_INJECTION) ? List.of(OpsRoute.post(HOLD_PATH, exchange -> {
            cards.holdBeforeNextOffsetCommit();
            OpsServer.respondJson(exchange, 200, Map.of("armed", true));
        })) : List.of());
        LOG.info("card service started: topic {}, HTTP on port {}", config.getString(TOPIC), ops.port());
        return new AppRunner.Running() {
            @Override
            public String failure() {
                return cards.isRunning() ? null
                        : "the card service's consumer stopped" + (cards.failure() == null ? "" : ": " + cards.failure());
            }

            @Override
            public void close() {
                cards.close();
                ops.close();
                db.close();
            }
        };
    }
}

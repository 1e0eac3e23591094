package io.onceonly.demo.membership.payment;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.ServiceDatabase;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.AppRunner;
import io.onceonly.runtime.BindAddress;
import io.onceonly.runtime.HealthReport;
import io.onceonly.runtime.OpsRoute;
import io.onceonly.runtime.OpsServer;

/**
 * The payment service as a deployable app: {@code java -jar membership-services.jar payment-service}.
 * {@code POST /purchases} with {@code {"requestId", "userId", "cardType", "amountCents"}} answers
 * {@code {"outcome", "paymentId", "reason"}}; {@code POST /accounts} with {@code {"userId", "cents"}}
 * opens an account; {@code POST /payments/publish-again} with {@code {"paymentId"}} publishes a
 * payment's event again (new event id, same biz-id), the business-resend fault. Exit codes as every Once app: 0 after SIGTERM, 1 on failure, 2 for a bad option.
 */
public final class PaymentApp {

    static final String OUTBOX_SCHEMA = "outbox.schema";
    static final String HTTP_PORT = "http.port";
    /** Publishes a payment's PaymentCompleted again ({@code {"paymentId"}}): the business-resend fault, over HTTP. */
    static final String PUBLISH_AGAIN_PATH = "/payments/publish-again";

    private static final ConfigDef OPTIONS = BindAddress.define(ServiceDatabase.define(new ConfigDef(), "payment")
            .define(OUTBOX_SCHEMA, Type.STRING, DemoNames.PAYMENT_SCHEMA, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Schema of the outbox table (named outbox) the events are written to: the table the connector tails.")
            .define(HTTP_PORT, Type.INT, 8085, Range.between(0, 65_535), Importance.MEDIUM,
                    "Port of POST /purchases, POST /accounts, /health and /metrics; 0 picks a free port."));

    private static final String USAGE = "Once demo payment service: sells membership cards, one transaction per purchase"
            + " (payment, debit, PaymentCompleted in the outbox).\n\n"
            + "Usage: java -jar membership-services.jar payment-service [--config FILE] [--option=value ...] [--list-options]";

    private static final Logger LOG = LoggerFactory.getLogger(PaymentApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private PaymentApp() {
    }

    /** Runs the app; returns its exit code. */
    public static int run(String[] args) {
        return new AppRunner(USAGE, OPTIONS, List.of()).run(args, System.getenv(), PaymentApp::start, System.out, System.err);
    }

    /** The options, for the option table and the compose check. */
    public static ConfigDef definition() {
        return OPTIONS;
    }

    /**
     * Parses and checks the options as the app does at start.
     *
     * @throws ConfigException naming the option
     */
    public static AbstractConfig config(AppOptions options) {
        AbstractConfig config = new AbstractConfig(OPTIONS, options.own(OPTIONS, "payment service"), false);
        ServiceDatabase.check(config);
        return config;
    }

    private static AppRunner.Running start(AppOptions options) throws SQLException {
        AbstractConfig config = config(options);
        HikariDataSource db = ServiceDatabase.open(config, "payment-service");
        try (Connection c = db.getConnection()) {
            PaymentSchema.install(c, config.getString(OUTBOX_SCHEMA));
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        PaymentService payments = new PaymentService(db, config.getString(OUTBOX_SCHEMA) + ".outbox");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<Purchase.Outcome, Counter> outcomes = new LinkedHashMap<>();
        for (Purchase.Outcome outcome : Purchase.Outcome.values()) {
            outcomes.put(outcome, Counter.builder("once.demo.purchases").tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .description("purchase requests by outcome").register(registry));
        }
        OpsServer ops = OpsServer.start(config.getString(BindAddress.OPTION), config.getInt(HTTP_PORT), () -> health(db), registry,
                List.of(OpsRoute.post("/purchases", exchange -> post(exchange, body -> {
                    Purchase p = payments.purchase(text(body, "requestId"), text(body, "userId"), text(body, "cardType"),
                            body.path("amountCents").asLong());
                    outcomes.get(p.outcome()).increment();
                    return p;
                })),
                OpsRoute.post("/accounts", exchange -> post(exchange, body -> {
                    payments.openAccounts(List.of(text(body, "userId")), body.path("cents").asLong());
                    return Map.of("userId", text(body, "userId"));
                })),
                OpsRoute.post(PUBLISH_AGAIN_PATH, exchange -> post(exchange, body -> {
                    UUID paymentId;
                    try {
                        paymentId = UUID.fromString(text(body, "paymentId"));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("field paymentId is not a UUID: " + body.get("paymentId"));
                    }
                    return Map.of("eventId", payments.publishAgain(paymentId).toString());
                }))));
        LOG.info("payment service started: outbox {}.outbox, HTTP on port {}", config.getString(OUTBOX_SCHEMA), ops.port());
        return new AppRunner.Running() {
            @Override
            public String failure() {
                return null;
            }

            @Override
            public void close() {
                ops.close();
                db.close();
            }
        };
    }

    private static HealthReport health(HikariDataSource db) {
        try (Connection c = db.getConnection()) {
            boolean valid = c.isValid(2);
            return new HealthReport(valid, Map.of("database", valid ? "OK" : "connection not valid"));
        } catch (SQLException e) {
            return new HealthReport(false, Map.of("database", e.getMessage()));
        }
    }

    /** A POST handler's work on the JSON body. */
    private interface JsonWork {
        Object answer(JsonNode body) throws SQLException;
    }

    private static void post(HttpExchange exchange, JsonWork work) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            OpsServer.respondJson(exchange, 200, work.answer(JSON.readTree(in)));
        } catch (IllegalArgumentException e) {
            OpsServer.respondJson(exchange, 400, Map.of("error", e.getMessage()));
        } catch (JsonProcessingException e) {
            OpsServer.respondJson(exchange, 400, Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
        } catch (SQLException e) {
            LOG.warn("database error: {}", e.toString());
            OpsServer.respondJson(exchange, 503, Map.of("error", "database: " + e.getMessage()));
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field " + field + " is missing or not a non-blank string");
        }
        return value.asText();
    }
}

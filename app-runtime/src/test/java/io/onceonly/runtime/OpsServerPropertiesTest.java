package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceonly.testkit.RandomInputs;

/**
 * Whatever a client sends, the ops server answers 2xx or 4xx (JSON for its own errors) or closes
 * the connection: never a 5xx, an exception escaping a handler, or a stack trace in a body.
 * Inputs are seeded random ({@link RandomInputs}).
 */
class OpsServerPropertiesTest {

    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // A route like an app's lookup: one percent-encoded segment under a prefix, refused when it is not one.
    private static final OpsRoute ITEMS = OpsRoute.get("/items/", exchange -> {
        String segment = exchange.getRequestURI().getRawPath().substring("/items/".length());
        if (segment.isEmpty() || segment.contains("/")) {
            throw new RequestRefusedException(404, "use /items/{id}");
        }
        OpsServer.respondJson(exchange, 200, Map.of("id", PercentDecoder.decode(segment, "the id")));
    });
    private static final OpsRouter ROUTER = new OpsRouter(List.of(
            OpsRoute.get("/health", exchange -> OpsServer.respondJson(exchange, 200, Map.of("status", "UP"))),
            OpsRoute.get("/metrics", exchange -> OpsServer.respondJson(exchange, 200, Map.of()))), List.of(ITEMS));

    private static OpsServer server;

    private final RandomInputs inputs = new RandomInputs();

    @BeforeAll
    static void start() {
        server = OpsServer.start("127.0.0.1", 0, () -> new HealthReport(true, Map.of()), REGISTRY, List.of(ITEMS));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theRouterAnswersEveryParsableTarget2xxOr4xx() {
        inputs.forAll(1000, this::method, this::target, (method, target) -> {
            URI uri;
            try {
                uri = new URI(target);
            } catch (URISyntaxException e) {
                // The JDK answers these 400 itself before any handler (see the wire property below).
                return;
            }
            FakeExchange exchange = new FakeExchange(method, uri);

            ROUTER.handle(exchange);

            assertThat(exchange.status()).isBetween(200, 499);
            assertThat(exchange.closed()).isTrue();
            if (exchange.status() >= 400 && !method.equals("HEAD")) {
                assertThat(exchange.body()).startsWith("{\"error\":\"").endsWith("\"}");
            }
        });
    }

    @Test
    void theServerAnswersRandomBytesWithoutA5xxOrAStackTrace() {
        inputs.forAll(200, this::method, this::rawTarget, (method, target) -> {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(method.getBytes(StandardCharsets.ISO_8859_1));
            request.write(' ');
            request.writeBytes(target);
            request.writeBytes(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

            String answer = RawHttp.exchange(server.port(), request.toByteArray());

            int status = RawHttp.status(answer);
            assertThat(status).as("answer to %s", answer).satisfiesAnyOf(s -> assertThat(s).isEqualTo(-1),
                    s -> assertThat(s).isBetween(200, 499));
            OpsServerTest.assertNoStackTrace(answer);
        });
    }

    private String method() {
        return inputs.oneOf(() -> inputs.pick("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "get"),
                () -> inputs.string(1, 12, '!', '~'));
    }

    /** "/" and up to 10 tokens: route names, separators, dot segments, escapes good and bad, any short strings, long runs. */
    private String target() {
        return "/" + inputs.joined(10, () -> inputs.oneOf(
                () -> inputs.pick("health", "metrics", "items", "/", "//", ".", "..", "%2F", "%2f", "%5C", "%2E%2E", "%", "%zz",
                        "%C3", "%C3%A9", "%FF", "%00", "%25", "+", "?", "&", "=", "#", ";", "?local=true", "~", "@", ":"),
                () -> inputs.string(0, 8),
                () -> inputs.string(OpsRouter.MAX_TARGET_CHARS / 2, OpsRouter.MAX_TARGET_CHARS / 2, 'a', 'z')), "");
    }

    /** A target as UTF-8, or any bytes but CR and LF, which would end the request line and turn the rest into headers. */
    private byte[] rawTarget() {
        return inputs.oneOf(() -> target().getBytes(StandardCharsets.UTF_8), () -> inputs.bytes(200, (byte) '\r', (byte) '\n'));
    }
}

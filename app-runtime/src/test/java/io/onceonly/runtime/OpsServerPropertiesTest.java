package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Whatever a client sends, the ops server answers 2xx or 4xx (JSON for its own errors) or closes
 * the connection: never a 5xx, an exception escaping a handler, or a stack trace in a body.
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

    @BeforeContainer
    static void start() {
        server = OpsServer.start("127.0.0.1", 0, () -> new HealthReport(true, Map.of()), REGISTRY, List.of(ITEMS));
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 1000)
    void theRouterAnswersEveryParsableTarget2xxOr4xx(@ForAll("methods") String method, @ForAll("targets") String target) {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            // The JDK answers these 400 itself before any handler (see the wire property below).
            return;
        }
        FakeExchange exchange = new FakeExchange(method, uri);

        ROUTER.handle(exchange);

        assertThat(exchange.status()).as("%s %s", method, target).isBetween(200, 499);
        assertThat(exchange.closed()).isTrue();
        if (exchange.status() >= 400 && !method.equals("HEAD")) {
            assertThat(exchange.body()).startsWith("{\"error\":\"").endsWith("\"}");
        }
    }

    @Property(tries = 200)
    void theServerAnswersRandomBytesWithoutA5xxOrAStackTrace(@ForAll("methods") String method, @ForAll("rawTargets") byte[] target)
            throws Exception {
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
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.oneOf(Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "get"),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("health", "metrics", "items", "/", "//", ".", "..", "%2F", "%2f", "%5C", "%2E%2E", "%", "%zz",
                        "%C3", "%C3%A9", "%FF", "%00", "%25", "+", "?", "&", "=", "#", ";", "?local=true", "~", "@", ":"),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(OpsRouter.MAX_TARGET_CHARS / 2));
        return token.list().ofMaxSize(10).map(tokens -> "/" + String.join("", tokens));
    }

    @Provide
    Arbitrary<byte[]> rawTargets() {
        Arbitrary<byte[]> fromTargets = targets().map(t -> t.getBytes(StandardCharsets.UTF_8));
        // Any bytes but CR and LF, which would end the request line and turn the rest into headers.
        Arbitrary<byte[]> anyBytes = Arbitraries.bytes().filter(b -> b != '\r' && b != '\n').array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(fromTargets, anyBytes);
    }
}

package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class OpsServerTest {

    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final HealthReport UP = new HealthReport(true, Map.of("engine", "RUNNING"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void healthAnswersUpDegradedAndDownWithTheStatusCodeAnOrchestratorActsOn() throws Exception {
        AtomicReference<HealthReport> report = new AtomicReference<>(UP);
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, report::get, REGISTRY, List.of())) {
            HttpResponse<String> up = get(ops, "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"status\":\"UP\"", "\"engine\":\"RUNNING\"");

            // Degraded still works: 200, so that nothing restarts it for what a restart does not fix.
            report.set(new HealthReport(true, true, Map.of("slot", Map.of("warning", "WAL piles up"))));
            HttpResponse<String> degraded = get(ops, "/health");
            assertThat(degraded.statusCode()).isEqualTo(200);
            assertThat(degraded.body()).contains("\"status\":\"DEGRADED\"", "WAL piles up");

            report.set(new HealthReport(false, true, Map.of()));
            HttpResponse<String> down = get(ops, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"DOWN\"");
        }
    }

    @Test
    void listensOnTheBindAddressAndNamesTheOptionWhenItDoesNotResolve() {
        try (OpsServer loopback = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of());
             OpsServer all = OpsServer.start(BindAddress.DEFAULT, 0, () -> UP, REGISTRY, List.of())) {
            assertThat(loopback.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(all.address().getAddress().isAnyLocalAddress()).isTrue();
        }
        assertThatThrownBy(() -> OpsServer.start("no-such-host.invalid", 0, () -> UP, REGISTRY, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.bind.address")
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("0.0.0.0");
    }

    @Test
    void unknownPathsAndPathTricksAre404InJson() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/items/", ok())))) {
            for (String target : List.of("/nope", "/", "/healthz", "/health/", "/health/x", "/health/../metrics",
                    "/heal%74h", "/metrics;x", "/items", "/x/../health")) {
                String answer = RawHttp.exchange(ops.port(), "GET", target);
                assertThat(RawHttp.status(answer)).as(target).isEqualTo(404);
                assertJsonError(answer);
                assertThat(RawHttp.body(answer)).contains("no resource at").contains("/health, /metrics, /items/{id}");
            }
            // Parsed as a host and a path: the path alone must not answer.
            String hostAndPath = RawHttp.exchange(ops.port(), "GET", "//evil/health");
            assertThat(RawHttp.status(hostAndPath)).isEqualTo(400);
            assertJsonError(hostAndPath);
            // Parsed as a host and no path at all: the JDK answers 404 before any handler, with its fixed text.
            String noPath = RawHttp.exchange(ops.port(), "GET", "//health");
            assertThat(RawHttp.status(noPath)).isEqualTo(404);
            assertNoStackTrace(noPath);
        }
    }

    @Test
    void unexpectedMethodsAre405WithAllow() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.post("/orders", ok())))) {
            for (String[] request : new String[][] {{"POST", "/health"}, {"DELETE", "/metrics"}, {"FOO", "/health"},
                    {"OPTIONS", "/health"}, {"get", "/health"}}) {
                String answer = RawHttp.exchange(ops.port(), request[0], request[1]);
                assertThat(RawHttp.status(answer)).as(String.join(" ", request)).isEqualTo(405);
                assertThat(answer).containsIgnoringCase("Allow: GET, HEAD");
                assertJsonError(answer);
            }
            String answer = RawHttp.exchange(ops.port(), "GET", "/orders");
            assertThat(RawHttp.status(answer)).isEqualTo(405);
            assertThat(answer).containsIgnoringCase("Allow: POST");
        }
    }

    @Test
    void headAnswersAsGetWithoutTheBody() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of())) {
            String answer = RawHttp.exchange(ops.port(), "HEAD", "/health");
            assertThat(RawHttp.status(answer)).isEqualTo(200);
            assertThat(RawHttp.body(answer)).isEmpty();
        }
    }

    @Test
    void hugeTargetsAre414InJson() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/items/", ok())))) {
            for (String target : List.of("/health?pad=" + "a".repeat(3_000), "/items/" + "x".repeat(100_000))) {
                String answer = RawHttp.exchange(ops.port(), "GET", target);
                assertThat(RawHttp.status(answer)).isEqualTo(414);
                assertJsonError(answer);
                assertThat(RawHttp.body(answer)).contains("up to " + OpsRouter.MAX_TARGET_CHARS).doesNotContain("xxxxxxxx");
            }
        }
    }

    @Test
    void badPercentEncodingIsRefusedBeforeAnyHandlerWithoutEchoOrStackTrace() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/items/", ok())))) {
            for (String target : List.of("/items/%zz", "/items/%", "/items/%4", "/health%")) {
                String answer = RawHttp.exchange(ops.port(), "GET", target);
                // The JDK's own parser refuses a target that is not a URI, with its fixed text.
                assertThat(RawHttp.status(answer)).as(target).isEqualTo(400);
                assertNoStackTrace(answer);
                assertThat(RawHttp.body(answer)).doesNotContain(target);
            }
        }
    }

    @Test
    void aFailingRouteAnswers500WithoutTheExceptionsText() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/boom", exchange -> {
            throw new IllegalStateException("secret detail");
        })))) {
            String answer = RawHttp.exchange(ops.port(), "GET", "/boom");
            assertThat(RawHttp.status(answer)).isEqualTo(500);
            assertJsonError(answer);
            assertThat(answer).doesNotContain("secret detail").doesNotContain("IllegalStateException");
        }
    }

    @Test
    void refusalsAnswerWithTheirStatusHeadersAndMessage() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/guarded", exchange -> {
            throw new RequestRefusedException(401, "needs a token", Map.of("WWW-Authenticate", "Bearer"));
        })))) {
            String answer = RawHttp.exchange(ops.port(), "GET", "/guarded");
            assertThat(RawHttp.status(answer)).isEqualTo(401);
            assertThat(answer).containsIgnoringCase("WWW-Authenticate: Bearer");
            assertThat(RawHttp.body(answer)).isEqualTo("{\"error\":\"needs a token\"}");
        }
    }

    @Test
    void aFullPoolAnswersAppRoutes503AndStillAnswersHealth() throws Exception {
        OpsServer.Limits oneThread = new OpsServer.Limits(1, 1, 4);
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/items/", ok())), oneThread);
             Socket holdsTheThread = partialRequest(ops.port());
             Socket waitsInLine = partialRequest(ops.port())) {
            await(() -> ops.load()[0] == 1 && ops.load()[1] == 1);

            String refused = RawHttp.exchange(ops.port(), "GET", "/items/1");
            assertThat(RawHttp.status(refused)).isEqualTo(503);
            assertThat(refused).containsIgnoringCase("Retry-After: 1");
            assertJsonError(refused);
            String health = RawHttp.exchange(ops.port(), "GET", "/health");
            assertThat(RawHttp.status(health)).isEqualTo(200);
            assertThat(RawHttp.body(health)).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void aClientThatStopsMidRequestIsCutOffAfterTheRequestTimeoutWhileHealthAnswers() throws Exception {
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of());
             Socket silent = partialRequest(ops.port())) {
            await(() -> ops.load()[0] == 1);
            assertThat(get(ops, "/health").statusCode()).isEqualTo(200);

            // SO_TIMEOUT (20 s) is the generous bound; the server closes after REQUEST_TIMEOUT (10 s) and its 1 s tick.
            silent.setSoTimeout(20_000);
            assertThat(RawHttp.readAll(silent.getInputStream())).isEmpty();
            await(() -> ops.load()[0] == 0);
        }
    }

    @Test
    void lookupsWaitingOnASilentPeerTakeTheirOwnSlotsOnlyAndHealthStillAnswers() throws Exception {
        try (ServerSocket silentPeer = new ServerSocket(0);
             HandlerPool lookups = new HandlerPool("test lookup", 2, 1);
             OpsServer ops = OpsServer.start("127.0.0.1", 0, () -> UP, REGISTRY, List.of(OpsRoute.get("/lookup", exchange ->
                     lookups.run(exchange, pooled -> {
                         // A peer that accepts the connection (the backlog does) and never answers.
                         try {
                             HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                     + silentPeer.getLocalPort() + "/")).timeout(Duration.ofSeconds(60)).build(),
                                     HttpResponse.BodyHandlers.ofString());
                         } catch (InterruptedException e) {
                             Thread.currentThread().interrupt();
                             throw new IOException("stopped", e);
                         }
                         OpsServer.respondJson(pooled, 200, Map.of("answered", true));
                     }))))) {
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slow.add(http.sendAsync(request(ops, "/lookup"), HttpResponse.BodyHandlers.ofString()));
            }
            await(() -> lookups.running() == 2 && lookups.waiting() == 1);

            HttpResponse<String> health = get(ops, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            HttpResponse<String> refused = get(ops, "/lookup");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("every test lookup slot is busy");
            assertThat(slow).noneMatch(CompletableFuture::isDone);
        }
    }

    static void assertJsonError(String answer) {
        assertThat(answer).containsIgnoringCase("Content-Type: application/json");
        assertThat(RawHttp.body(answer)).startsWith("{\"error\":\"").endsWith("\"}");
        assertNoStackTrace(answer);
    }

    static void assertNoStackTrace(String answer) {
        assertThat(answer).doesNotContain("\tat ").doesNotContain(".java:").doesNotContain("Exception:");
    }

    private static com.sun.net.httpserver.HttpHandler ok() {
        return exchange -> OpsServer.respondJson(exchange, 200, Map.of("ok", true));
    }

    // A connection that has sent part of a request line: the server's thread waits for the rest.
    private static Socket partialRequest(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write("GET /hea".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private HttpRequest request(OpsServer ops, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).timeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> get(OpsServer ops, String path) throws Exception {
        return http.send(request(ops, path), HttpResponse.BodyHandlers.ofString());
    }
}

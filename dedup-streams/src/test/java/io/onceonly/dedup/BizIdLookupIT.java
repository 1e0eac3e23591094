package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.lookup.BizIdLookup;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.Await;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/** The lookup over HTTP on the testkit broker: its refusals, its token, and a silent instance that must not starve /health. */
@WithStack
class BizIdLookupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "lookup-it-token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void malformedLookupsAre4xxInJsonAndTheTokenIsDemanded(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.refusals", 2);
        try (DedupService service = start(stack, "lookup-refusals-it", "outbox.refusals", "--http.port=0")) {
            assertThat(service.awaitRunning(Duration.ofSeconds(90))).isTrue();
            String base = "http://127.0.0.1:" + service.httpPort();

            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/biz-ids/p-1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/biz-ids/p-1"))
                    .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(TOKEN);
            HttpResponse<String> answered = get(base + "/biz-ids/never-paid", Duration.ofSeconds(10));
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answered.body()).get("seen").asBoolean()).isFalse();
            // /health stays open without the token.
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);

            Map<String, Integer> expected = Map.of(
                    "/biz-ids/" + "x".repeat(3_000), 414,
                    "/biz-ids/" + "x".repeat(600), 400,
                    "/biz-ids/%FF", 400,
                    "/biz-ids/a%2Fb", 400,
                    "/biz-ids/..", 400,
                    "/biz-ids/../health", 404,
                    "/biz-ids//p-1", 404,
                    "/biz-ids/", 404,
                    "/biz-ids/p-1?debug=1", 400);
            for (Map.Entry<String, Integer> request : expected.entrySet()) {
                HttpResponse<String> refused = get(base + request.getKey(), Duration.ofSeconds(10));
                assertThat(refused.statusCode()).as(request.getKey()).isEqualTo(request.getValue());
                assertJsonError(refused);
            }
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/biz-ids/p-1"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertJsonError(post);
        }
    }

    @Test
    void lookupsWaitingOnASilentInstanceTakeOnlyTheirOwnSlotsCarryTheTokenAndHealthStillAnswers(TestStack stack)
            throws Exception {
        stack.kafka().createTopic("outbox.silent", 4);
        try (SilentInstance silent = new SilentInstance();
             DedupService asking = start(stack, "lookup-silent-it", "outbox.silent", "--http.port=0");
             // A member of the same application whose application.server is an address that never answers.
             DedupService other = start(stack, "lookup-silent-it", "outbox.silent", "--http.port=-1",
                     "--kafka.application.server=127.0.0.1:" + silent.port())) {
            assertThat(asking.awaitRunning(Duration.ofSeconds(90))).isTrue();
            assertThat(other.awaitRunning(Duration.ofSeconds(90))).isTrue();
            String base = "http://127.0.0.1:" + asking.httpPort();

            // Once the silent member owns partitions, a lookup asks it and gives up after the peer timeout.
            HttpResponse<String> timedOut = Await.value("a lookup that asked the silent instance", Duration.ofSeconds(90), () -> {
                HttpResponse<String> answer = get(base + "/biz-ids/p-1", Duration.ofSeconds(30));
                return answer.statusCode() == 504 ? answer : null;
            }, () -> "no 504 yet; the silent instance got " + silent.requests().size() + " requests");
            assertThat(timedOut.body()).contains("127.0.0.1:" + silent.port()).contains("did not answer within 3 s");
            assertThat(silent.requests()).isNotEmpty().allSatisfy(request -> assertThat(request)
                    .contains("?local=true&scope=deduped.silent").containsIgnoringCase("Authorization: Bearer " + TOKEN));

            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < BizIdLookup.THREADS + BizIdLookup.QUEUE; i++) {
                waiting.add(http.sendAsync(request(base + "/biz-ids/busy-" + i, Duration.ofSeconds(60)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            HttpResponse<String> refused = Await.value("a lookup refused while every slot waits", Duration.ofSeconds(30), () -> {
                try {
                    HttpResponse<String> answer = get(base + "/biz-ids/one-more", Duration.ofSeconds(1));
                    return answer.statusCode() == 503 ? answer : null;
                } catch (HttpTimeoutException e) {
                    return null;
                }
            }, () -> "no 503");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("every biz-id lookup slot is busy");

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");

            // Each gives up on the silent instance (504), or found every slot taken, by the probes above too (503).
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> lookup : waiting) {
                statuses.add(lookup.get().statusCode());
            }
            // isSubsetOf, not containsOnly: when every waiting lookup timed out, there is no 503 among them (seen in a full run).
            assertThat(statuses).isSubsetOf(504, 503).filteredOn(status -> status == 504).hasSizeGreaterThanOrEqualTo(BizIdLookup.THREADS);
        }
    }

    private DedupService start(TestStack stack, String appId, String input, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "--application.id=" + appId, "--input.topics=" + input, "--http.advertised.host=127.0.0.1",
                "--state.dir=" + Files.createTempDirectory("once-lookup-it"), "--http.lookup.token=" + TOKEN,
                "--kafka.session.timeout.ms=6000", "--kafka.heartbeat.interval.ms=1000"));
        args.addAll(List.of(more));
        return new DedupService(DedupConfig.from(AppOptions.load(args.toArray(String[]::new), Map.of()))).start();
    }

    private HttpRequest request(String url, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).timeout(timeout).build();
    }

    private HttpResponse<String> get(String url, Duration timeout) throws IOException, InterruptedException {
        return http.send(request(url, timeout), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonError(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Accepts connections and reads what is sent, and never answers: an instance that hangs. */
    private static final class SilentInstance implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentInstance() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        held.add(socket);
                        Thread reader = new Thread(() -> read(socket), "silent-instance-reader");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-instance");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void read(Socket socket) {
            StringBuilder request = new StringBuilder();
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    request.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (request.indexOf("\r\n\r\n") >= 0) {
                        requests.add(request.toString());
                        request.setLength(0);
                    }
                }
            } catch (IOException e) {
                // Closed by the caller's timeout or by close().
            }
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> requests() {
            return requests;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}

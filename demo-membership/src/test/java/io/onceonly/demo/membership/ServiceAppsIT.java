package io.onceonly.demo.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.dedup.DedupApp;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.FreePort;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The demo's services as docker/compose.yaml deploys them: four apps, each its own JVM with its
 * own options, wired as compose wires them (public.outbox, outbox.payment, deduped.payment).
 */
@WithStack
class ServiceAppsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aPurchaseRetriedOverHttpGivesOneChargeAndOneCard(TestStack stack) throws Exception {
        String db = stack.postgres().jdbcUrl();
        String kafka = stack.kafka().bootstrapServers();
        int paymentPort = FreePort.next();
        int cardPort = FreePort.next();
        Path log = Path.of("target", "service-apps-it.log");
        Path state = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "service-apps-dedup-");
        List<ChildJvm> apps = new ArrayList<>();
        try {
            apps.add(app("payment-service", MembershipServices.class, log, "payment-service", "--database.url=" + db,
                    "--database.user=" + stack.postgres().username(), "--database.password=" + stack.postgres().password(), "--outbox.schema=public", "--http.port=" + paymentPort));
            Await.healthy("the payment app", URI.create("http://127.0.0.1:" + paymentPort + "/health"), Duration.ofSeconds(90));
            apps.add(app("relay", OutboxConnectorApp.class, log, ConnectorSettings.of(db, "postgres", "postgres", kafka)
                    .with(ConnectorOptions.SLOT_NAME, "service_apps_it").with(ConnectorOptions.PUBLICATION_NAME, "service_apps_it")
                    .with(ConnectorOptions.HTTP_PORT, "0").args()));
            apps.add(app("dedup", DedupApp.class, log, "--kafka.bootstrap.servers=" + kafka, "--application.id=service-apps-it",
                    "--state.dir=" + state, "--http.port=-1", "--kafka.metadata.max.age.ms=1000"));
            apps.add(app("card-service", MembershipServices.class, log, "card-service", "--database.url=" + db,
                    "--database.user=" + stack.postgres().username(), "--kafka.bootstrap.servers=" + kafka, "--http.port=" + cardPort));
            Await.healthy("the card app", URI.create("http://127.0.0.1:" + cardPort + "/health"), Duration.ofSeconds(90));

            assertThat(post(paymentPort, "/accounts", Map.of("userId", "ada", "cents", 10_000)).path("userId").asText()).isEqualTo("ada");
            Map<String, Object> purchase = new LinkedHashMap<>(Map.of("requestId", "r-1", "userId", "ada", "cardType", "gold", "amountCents", 4_900));
            JsonNode first = post(paymentPort, "/purchases", purchase);
            JsonNode retry = post(paymentPort, "/purchases", purchase);
            assertThat(first.path("outcome").asText()).isEqualTo("COMPLETED");
            assertThat(retry.path("outcome").asText()).isEqualTo("REPLAYED");
            assertThat(retry.path("paymentId").asText()).isEqualTo(first.path("paymentId").asText());
            purchase.put("requestId", "r-2");
            purchase.put("amountCents", 9_900);
            assertThat(post(paymentPort, "/purchases", purchase).path("reason").asText()).isEqualTo("insufficient balance");
            assertThat(postRaw(paymentPort, "/purchases", "{not json").statusCode()).isEqualTo(400);

            Await.until("a card issued", Duration.ofSeconds(120),
                    () -> get("http://127.0.0.1:" + cardPort + "/health").path("cardsIssued").asLong() >= 1);
            Thread.sleep(2_000);
            JsonNode health = get("http://127.0.0.1:" + cardPort + "/health");
            assertThat(health.path("cardsIssued").asLong()).as("cards issued (log: %s)", log).isEqualTo(1);
            assertThat(get("http://127.0.0.1:" + paymentPort + "/metrics").asText())
                    .contains("once_demo_purchases_total{outcome=\"completed\"} 1.0").contains("once_demo_purchases_total{outcome=\"replayed\"} 1.0");

            for (ChildJvm app : apps) {
                assertThat(app.terminate(Duration.ofSeconds(60))).as("exit code of %s after SIGTERM", app).isZero();
            }
        } finally {
            apps.forEach(ChildJvm::close);
        }
    }

    private static ChildJvm app(String name, Class<?> main, Path log, String... args) {
        return ChildJvm.start(name, main.getName(), List.of(args), Map.of(), log);
    }

    private static JsonNode post(int port, String path, Object body) throws Exception {
        return JSON.readTree(postRaw(port, path, JSON.writeValueAsString(body)).body());
    }

    private static HttpResponse<String> postRaw(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return url.endsWith("/metrics") ? JSON.getNodeFactory().textNode(body) : JSON.readTree(body);
    }
}

package io.onceonly.demo.membership.payment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The payment service's HTTP API ({@link PaymentApp}) called from another process, as the fault
 * matrix's buyers call a payment service that runs in its own JVM. An answer other than 200, or
 * none within the timeout, is an {@link IOException}: the caller cannot tell whether it took effect.
 */
public final class PaymentClient implements Payments {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A client of the payment service at {@code base}, for example {@code http://127.0.0.1:8085}. */
    public PaymentClient(URI base) {
        this.base = base;
    }

    @Override
    public void openAccounts(List<String> userIds, long cents) throws IOException {
        for (String user : userIds) {
            post("/accounts", Map.of("userId", user, "cents", cents));
        }
    }

    @Override
    public Purchase purchase(String requestId, String userId, String cardType, long amountCents) throws IOException {
        JsonNode answer = post("/purchases", Map.of("requestId", requestId, "userId", userId, "cardType", cardType,
                "amountCents", amountCents));
        String payment = answer.path("paymentId").asText(null);
        return new Purchase(Purchase.Outcome.valueOf(answer.path("outcome").asText()),
                payment == null ? null : UUID.fromString(payment), answer.path("reason").asText(null));
    }

    @Override
    public UUID publishAgain(UUID paymentId) throws IOException {
        return UUID.fromString(post(PaymentApp.PUBLISH_AGAIN_PATH, Map.of("paymentId", paymentId.toString())).path("eventId").asText());
    }

    private JsonNode post(String path, Map<String, Object> body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("POST " + request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}

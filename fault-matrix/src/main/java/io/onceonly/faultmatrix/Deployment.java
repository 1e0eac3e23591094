package io.onceonly.faultmatrix;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.demo.membership.pipeline.Infrastructure;
import io.onceonly.demo.membership.pipeline.Pipeline;
import io.onceonly.demo.membership.pipeline.StageProcess;
import io.onceonly.demo.membership.payment.PaymentClient;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.stack.FreePort;

/**
 * Every stage of one cell's run as deployed, each its own JVM: the payment service, the connector
 * (and a standby where the cell has one), two dedup instances and the card service.
 */
final class Deployment implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(180);
    private static final Duration STOP = Duration.ofSeconds(60);

    private final StageProcess payment;
    private final StageProcess card;
    private final Pipeline pipeline;
    private long cardRefusedBeforeRestarts;

    private Deployment(StageProcess payment, StageProcess card, Pipeline pipeline) {
        this.payment = payment;
        this.card = card;
        this.pipeline = pipeline;
    }

    static Deployment start(Infrastructure infra, Path dir, Cell cell, Map<String, String> connectorOptions) throws InterruptedException {
        Map<String, String> db = new LinkedHashMap<>();
        db.put("database.url", infra.jdbcUrl());
        db.put("database.user", infra.user());
        db.put("database.password", infra.password());

        Map<String, String> paymentOptions = new LinkedHashMap<>(db);
        paymentOptions.put("http.port", Integer.toString(FreePort.next()));
        StageProcess payment = new StageProcess("payment-service", MembershipServices.class.getName(),
                List.of(MembershipServices.PAYMENT_SERVICE), paymentOptions, dir.resolve("payment-service.log"));

        Map<String, String> cardOptions = new LinkedHashMap<>(db);
        cardOptions.put("http.port", Integer.toString(FreePort.next()));
        cardOptions.put("topic", DemoNames.CARD_TOPIC);
        cardOptions.putAll(infra.kafkaOptions());
        cardOptions.put("fault.injection", "true");
        // A stable identity, as a StatefulSet or a fixed host gives it: a restarted card service takes its
        // partitions back at once. Without it they wait for the killed member's session to expire (45 s):
        // the first card-kill runs had a payment-to-card median of 32 s over the whole load.
        cardOptions.put("kafka.group.instance.id", DemoNames.CARD_CONSUMER + "-0");
        StageProcess card = new StageProcess("card-service", MembershipServices.class.getName(),
                List.of(MembershipServices.CARD_SERVICE), cardOptions, dir.resolve("card-service.log"));

        Pipeline pipeline = Pipeline.create(infra, dir, cell.shape(connectorOptions));
        Deployment deployment = new Deployment(payment, card, pipeline);
        try {
            payment.start();
            card.start();
            pipeline.start(START);
            payment.awaitHealthy(START);
            card.awaitHealthy(START);
        } catch (RuntimeException | InterruptedException e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    PaymentClient payments() {
        return new PaymentClient(URI.create("http://127.0.0.1:" + payment.httpPort()));
    }

    Pipeline pipeline() {
        return pipeline;
    }

    StageProcess card() {
        return card;
    }

    /**
     * Remembers the running card service's refused claims before it is killed: a restarted
     * service counts from zero.
     */
    void cardAboutToDie() throws InterruptedException {
        cardRefusedBeforeRestarts += refusedNow();
    }

    /** Redelivered payments whose claim was refused, over every run of the card service. */
    long cardClaimRefused() throws InterruptedException {
        return cardRefusedBeforeRestarts + Math.max(0, refusedNow());
    }

    private long refusedNow() throws InterruptedException {
        JsonNode health = card.health();
        return health == null ? 0 : health.path("claimRefused").asLong(0);
    }

    /**
     * Stops every stage with SIGTERM: the payment service, the pipeline, the card service last.
     *
     * @return what did not stop cleanly, or empty
     */
    String stop() throws InterruptedException {
        return payment.stopAndSay(STOP) + pipeline.stop() + card.stopAndSay(STOP);
    }

    @Override
    public void close() {
        payment.close();
        pipeline.close();
        card.close();
    }
}

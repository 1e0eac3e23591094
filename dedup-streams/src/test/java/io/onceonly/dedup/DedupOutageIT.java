package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;
import io.onceonly.workload.DuplicatedPayments;

/** The app in-process while its Kafka broker goes away: a stack of its own, since these tests stop the broker. */
@WithStack
class DedupOutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(DedupOutageIT.class);
    private static final int RECORDS = 40_000;
    private static final Duration OUTAGE = Duration.ofSeconds(5);

    @Test
    void aBrokerRestartMidStreamIsSurvivedWithEveryBizIdForwardedExactlyOnce(TestStack stack) throws Exception {
        KafkaBroker broker = runningBroker(stack);
        stack.kafka().createTopic("outage.restart", 4);
        DuplicatedPayments load = new DuplicatedPayments();

        try (DedupService service = new DedupService(DedupEdgesIT.config(stack, "restart-app", "--input.topics=outage.restart",
                "--output.mapping=outage.restart:restart.out")).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            CompletableFuture<Void> producing = produceInBackground(stack, load, "outage.restart", RECORDS);
            int beforeRestart = TopicReader.read(stack.kafka(), "restart.out", 5_000, Duration.ofSeconds(120), Duration.ZERO).size();
            broker.stop();
            Thread.sleep(OUTAGE.toMillis());
            broker.start();
            LOG.info("restarted the broker after {} forwarded records were committed and {} s down", beforeRestart, OUTAGE.toSeconds());
            assertThat(RECORDS - beforeRestart).as("records still to go through at the restart").isGreaterThanOrEqualTo(20_000);

            producing.get(5, TimeUnit.MINUTES);
            DedupFaultIT.assertExactlyTheUniqueSet(stack.kafka(), load, "restart.out");
            assertThat(service.state()).as("resumed by itself").isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void aStopDuringAKafkaOutageMidStreamReturnsWithinItsBoundAndSaysItWasUnclean(TestStack stack) throws Exception {
        KafkaBroker broker = runningBroker(stack);
        stack.kafka().createTopic("outage.stop", 2);
        DuplicatedPayments load = new DuplicatedPayments();
        DedupService service = new DedupService(DedupEdgesIT.config(stack, "stop-app", "--input.topics=outage.stop",
                "--output.mapping=outage.stop:stop.out")).start();
        CompletableFuture<Void> producing = CompletableFuture.completedFuture(null);
        try {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            producing = produceInBackground(stack, load, "outage.stop", RECORDS);
            int forwarded = TopicReader.read(stack.kafka(), "stop.out", 2_000, Duration.ofSeconds(60), Duration.ZERO).size();
            if (producing.isDone()) {
                // A slow start let the load finish first (seen in a full run): the stop must come mid-stream.
                producing = produceInBackground(stack, load, "outage.stop", RECORDS);
                TopicReader.read(stack.kafka(), "stop.out", forwarded + 1_000, Duration.ofSeconds(60), Duration.ZERO);
            }
            broker.stop();

            long started = System.nanoTime();
            service.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LOG.info("close during the outage took {} ms: {}", took.toMillis(), service.unfinishedAtStop());

            assertThat(took).as("close during an outage").isLessThan(DedupService.CLOSE_TIMEOUT.plusSeconds(15));
            assertThat(service.unfinishedAtStop()).contains("did not close within 30 s");
        } finally {
            service.close();
            runningBroker(stack);
            try {
                producing.get(3, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.info("the load stopped with the outage: {}", e.toString());
            }
        }
    }

    private static CompletableFuture<Void> produceInBackground(TestStack stack, DuplicatedPayments load, String topic, int records) {
        return CompletableFuture.runAsync(() -> {
            try {
                load.produce(stack.kafka().clientProperties(), topic, records, 0.10, 500, 40);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static KafkaBroker runningBroker(TestStack stack) {
        KafkaBroker broker = (KafkaBroker) stack.kafka();
        if (!broker.isRunning()) {
            broker.start();
        }
        return broker;
    }
}

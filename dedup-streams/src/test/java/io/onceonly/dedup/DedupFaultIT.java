package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;
import io.onceonly.workload.DuplicatedPayments;

/** The app in child JVMs killed with SIGKILL mid-stream: the output must still be exactly the unique set. */
@WithStack
class DedupFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(DedupFaultIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 60_000;
    // Fresh per run: a state directory left by an earlier run belongs to another Kafka cluster.
    private static final Path STATE = newStateRoot();

    private static Path newStateRoot() {
        try {
            java.nio.file.Files.createDirectories(Path.of("target"));
            return java.nio.file.Files.createTempDirectory(Path.of("target").toAbsolutePath(), "dedup-state-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSigkilledInstanceRestartsWithoutLossOrSecondForwards(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.crash", 4);
        DuplicatedPayments load = new DuplicatedPayments();
        CompletableFuture<Void> producing = produceInBackground(stack.kafka(), "outbox.crash", load);
        List<String> args = args(stack, "crash-app", "outbox.crash:crash.out", "a", -1);
        Path log = Path.of("target", "dedup-crash.log");

        try (ChildJvm first = ChildJvm.start("dedup-1", DedupApp.class.getName(), args, Map.of(), log);
             ChildJvm second = restartAfterKill(first, stack, args, log)) {
            producing.get(3, TimeUnit.MINUTES);
            assertExactlyTheUniqueSet(stack.kafka(), load, "crash.out");
            assertThat(second.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
        }
    }

    private static ChildJvm restartAfterKill(ChildJvm first, TestStack stack, List<String> args, Path log) {
        int beforeKill = TopicReader.read(stack.kafka(), "crash.out", 8_000, Duration.ofSeconds(120), Duration.ZERO).size();
        first.kill();
        LOG.info("killed the dedup app after {} forwarded records were committed", beforeKill);
        assertThat(beforeKill).isLessThan(RECORDS * 9 / 10);
        return ChildJvm.start("dedup-2", DedupApp.class.getName(), args, Map.of(), log);
    }

    @Test
    void twoInstancesOneKilledKeepTheInvariantAndAnswerLookupsAlike(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.pair", 4);
        DuplicatedPayments load = new DuplicatedPayments();
        int portA = freePort();
        int portB = freePort();
        Path log = Path.of("target", "dedup-pair.log");
        List<String> argsB = args(stack, "pair-app", "outbox.pair:pair.out", "pb", portB);
        try (ChildJvm a = ChildJvm.start("dedup-a", DedupApp.class.getName(), args(stack, "pair-app", "outbox.pair:pair.out", "pa", portA), Map.of(), log);
             ChildJvm b = ChildJvm.start("dedup-b", DedupApp.class.getName(), argsB, Map.of(), log)) {
            killOneAndCheck(stack, load, a, b, argsB, portA, portB, log);
        }
    }

    private static void killOneAndCheck(TestStack stack, DuplicatedPayments load, ChildJvm a, ChildJvm b, List<String> argsB,
                                        int portA, int portB, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        awaitRunning(portA);
        awaitRunning(portB);

        CompletableFuture<Void> producing = produceInBackground(stack.kafka(), "outbox.pair", load);
        int beforeKill = TopicReader.read(stack.kafka(), "pair.out", 8_000, Duration.ofSeconds(120), Duration.ZERO).size();
        LOG.info("before the kill: a {} / b {}; uncommitted reads of pair.out: {}", DedupIT.get(http, "http://localhost:" + portA + "/health"),
                DedupIT.get(http, "http://localhost:" + portB + "/health"),
                TopicReader.read(stack.kafka(), "pair.out", 1, Duration.ofSeconds(5), Duration.ZERO, "read_uncommitted").size());
        b.kill();
        LOG.info("killed instance b after {} forwarded records were committed", beforeKill);
        producing.get(3, TimeUnit.MINUTES);
        assertExactlyTheUniqueSet(stack.kafka(), load, "pair.out");

        try (ChildJvm bAgain = ChildJvm.start("dedup-b2", DedupApp.class.getName(), argsB, Map.of(), log)) {
            lookupsAgree(http, load, portA, portB);
            assertThat(a.terminate(Duration.ofSeconds(60))).isZero();
            assertThat(bAgain.terminate(Duration.ofSeconds(60))).isZero();
        }
    }

    private static void lookupsAgree(HttpClient http, DuplicatedPayments load, int portA, int portB) throws Exception {
        awaitRunning(portB);
        awaitRunning(portA);
        for (String bizId : List.of(load.uniqueBizIds().get(7), load.uniqueBizIds().get(load.uniqueCount() - 3), "never-paid")) {
            JsonNode fromA = lookup(http, portA, bizId);
            JsonNode fromB = lookup(http, portB, bizId);
            assertThat(fromB).as("lookup of %s from both instances", bizId).isEqualTo(fromA);
            assertThat(fromA.get("seen").asBoolean()).isEqualTo(!bizId.equals("never-paid"));
        }
    }

    private static CompletableFuture<Void> produceInBackground(KafkaService kafka, String topic, DuplicatedPayments load) {
        return CompletableFuture.runAsync(() -> {
            try {
                load.produce(kafka.clientProperties(), topic, RECORDS, 0.10, 500, 40);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static void assertExactlyTheUniqueSet(KafkaService kafka, DuplicatedPayments load, String output) {
        List<ConsumerRecord<byte[], byte[]>> forwarded = TopicReader.read(kafka, output, load.uniqueCount(),
                Duration.ofSeconds(180), Duration.ofSeconds(3));
        Map<String, Integer> copies = new HashMap<>();
        forwarded.forEach(r -> copies.merge(EventMetadata.of(r).bizId(), 1, Integer::sum));
        long twice = copies.values().stream().filter(n -> n > 1).count();
        LOG.info("{}: {} unique biz-ids produced, {} records forwarded, {} biz-ids forwarded more than once",
                output, load.uniqueCount(), forwarded.size(), twice);
        assertThat(copies.keySet()).as("forwarded biz-ids").isEqualTo(new HashSet<>(load.uniqueBizIds()));
        assertThat(twice).as("biz-ids forwarded more than once").isZero();
    }

    private static List<String> args(TestStack stack, String appId, String mapping, String stateName, int httpPort) {
        return List.of("--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=" + appId,
                "--input.topics=" + mapping.substring(0, mapping.indexOf(':')),
                "--output.mapping=" + mapping, "--state.dir=" + STATE.resolve(stateName),
                "--http.port=" + httpPort, "--kafka.session.timeout.ms=6000", "--kafka.heartbeat.interval.ms=1000");
    }

    private static void awaitRunning(int port) {
        Await.healthy("instance on port " + port, URI.create("http://localhost:" + port + "/health"), Duration.ofSeconds(90),
                body -> body.contains("\"streams\":\"RUNNING\""));
    }

    private static JsonNode lookup(HttpClient http, int port, String bizId) {
        String[] body = {""};
        return Await.value("an answer from port " + port + " about " + bizId, Duration.ofSeconds(60), () -> {
            body[0] = DedupIT.get(http, "http://localhost:" + port + "/biz-ids/" + bizId);
            JsonNode answer = JSON.readTree(body[0]);
            return answer.has("seen") ? answer : null;
        }, () -> body[0]);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

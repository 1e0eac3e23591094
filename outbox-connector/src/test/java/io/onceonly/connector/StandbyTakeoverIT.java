package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * Two connector instances with the same configuration, as child JVMs, exactly-once: one streams,
 * the other waits as standby. SIGKILL of the active one: the standby streams again within seconds
 * (the figure is logged); SIGSTOP of the active one: the standby ends its silent walsender and takes
 * over, and the old one, woken, commits nothing and stops. A read_committed reader sees every
 * committed event once in both. At-least-once, where nothing fences it, the woken instance stops
 * too, having seen another reader confirm positions on the slot.
 */
@WithStack
class StandbyTakeoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyTakeoverIT.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern RELAYED = Pattern.compile("\"eventsRelayed\"\\s*:\\s*(\\d+)");
    private static final Pattern ROLE = Pattern.compile("\"role\"\\s*:\\s*\"(\\w+)\"");

    @Test
    void aStandbyStreamsAgainWithinSecondsOfTheActiveInstancesSigkillAndNothingIsMissingOrTwice(TestStack stack) throws Exception {
        Pair pair = Pair.start(stack, "standby_kill", Map.of());
        try (Instance first = pair.first; Instance second = pair.second) {
            OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "sbkill");
            CompletableFuture<List<OutboxLoad.Written>> writers = writeAsync(load, 6_000);
            Await.until("the active instance relays", Duration.ofSeconds(60), () -> first.relayed() >= 1_000);
            assertThat(second.role()).isEqualTo("standby");

            long killed = System.nanoTime();
            first.jvm.kill();
            awaitRelayed(second, "the standby relays");
            double takeover = (System.nanoTime() - killed) / 1e9;
            LOG.info("takeover after SIGKILL: the standby's first committed record {} s after the kill (role since {}); writers busy: {}",
                    String.format("%.2f", takeover), second.health().get("roleSince"), !writers.isDone());
            assertThat(second.role()).isEqualTo("active");
            assertThat(writers).as("the writers must still be busy at the takeover").isNotDone();

            assertEveryCommittedEventOnce(stack, load, writers, "outbox.sbkill");
            assertThat(second.jvm.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
        }
    }

    @Test
    void aPausedActiveInstanceIsReplacedAndWhenItWakesItCommitsNothingAndStops(TestStack stack) throws Exception {
        Pair pair = Pair.start(stack, "standby_pause", Map.of(ConnectorOptions.STANDBY_TAKEOVER_AFTER_MS, "3000"));
        try (Instance first = pair.first; Instance second = pair.second) {
            OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "sbpause");
            CompletableFuture<List<OutboxLoad.Written>> writers = writeAsync(load, 8_000);
            pauseTakeOverAndWake(first, second, writers);
            assertEveryCommittedEventOnce(stack, load, writers, "outbox.sbpause");
            assertThat(second.role()).isEqualTo("active");
            assertThat(second.jvm.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
        }
    }

    // At-least-once has no fencing: the woken instance must see by itself that another reader confirms positions on the slot.
    @Test
    void atLeastOnceAWokenFormerActiveInstanceSeesAnotherReaderOnTheSlotAndStops(TestStack stack) throws Exception {
        Pair pair = Pair.start(stack, "standby_alo", Map.of(ConnectorOptions.STANDBY_TAKEOVER_AFTER_MS, "3000",
                ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.AT_LEAST_ONCE));
        try (Instance first = pair.first; Instance second = pair.second) {
            OutboxLoad load = new OutboxLoad(stack.postgres().dataSource(), "sbalo");
            CompletableFuture<List<OutboxLoad.Written>> writers = writeAsync(load, 8_000);
            String why = pauseTakeOverAndWake(first, second, writers);
            assertThat(why).contains("took over replication slot");
            List<OutboxLoad.Written> written = writers.get(3, TimeUnit.MINUTES);
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(stack.kafka(), "outbox.sbalo", written.size(),
                    Duration.ofSeconds(120), Duration.ofSeconds(3));
            Set<UUID> seen = new HashSet<>();
            records.forEach(r -> seen.add(EventMetadata.of(r).eventId()));
            long missing = written.stream().filter(w -> !seen.contains(w.id())).count();
            LOG.info("at-least-once: {} committed, {} records, {} duplicates, {} missing", written.size(), records.size(),
                    records.size() - seen.size(), missing);
            assertThat(missing).as("committed events missing").isZero();
            assertThat(second.jvm.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
        }
    }

    // SIGSTOP the active instance, wait for the standby's first record, SIGCONT: returns the woken one's last word.
    private static String pauseTakeOverAndWake(Instance first, Instance second, CompletableFuture<?> writers) throws Exception {
        Await.until("the active instance relays", Duration.ofSeconds(60), () -> first.relayed() >= 1_000);
        long paused = System.nanoTime();
        first.jvm.pause();
        awaitRelayed(second, "the standby takes over the paused one's slot");
        LOG.info("takeover after SIGSTOP with standby.takeover.after.ms=3000: first committed record {} s after the pause",
                String.format("%.2f", (System.nanoTime() - paused) / 1e9));
        assertThat(writers).as("the writers must still be busy at the takeover").isNotDone();

        first.jvm.resume();
        Integer exit = first.jvm.awaitExit(Duration.ofSeconds(60));
        String why = lastLines(first.log(), "another instance");
        LOG.info("the woken instance exited with {}: {}", exit, why);
        assertThat(exit).as("the woken instance stops (log %s)", first.log()).isEqualTo(1);
        assertThat(why).isNotEmpty();
        assertThat(writers).as("the writers must still be busy when the woken instance stopped").isNotDone();
        return why;
    }

    // Polls every 20 ms, so the takeover figure is not rounded up to Await's pause.
    private static void awaitRelayed(Instance instance, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (instance.relayed() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 60 s: " + what + " (log " + instance.log() + ")");
            }
            Thread.sleep(20);
        }
    }

    private static CompletableFuture<List<OutboxLoad.Written>> writeAsync(OutboxLoad load, int events) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return load.write(events, 20, 4, 10, 40);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void assertEveryCommittedEventOnce(TestStack stack, OutboxLoad load,
                                                      CompletableFuture<List<OutboxLoad.Written>> writers, String topic) throws Exception {
        List<OutboxLoad.Written> written = writers.get(3, TimeUnit.MINUTES);
        List<ConsumerRecord<byte[], byte[]>> committed = TopicReader.read(stack.kafka(), topic, written.size(), Duration.ofSeconds(120),
                Duration.ofSeconds(3));
        Map<UUID, Integer> copies = new HashMap<>();
        committed.forEach(r -> copies.merge(EventMetadata.of(r).eventId(), 1, Integer::sum));
        long missing = written.stream().filter(w -> !copies.containsKey(w.id())).count();
        long twice = copies.values().stream().filter(n -> n > 1).count();
        LOG.info("{}: {} committed in PostgreSQL, read_committed sees {} records, {} missing, {} twice", topic, written.size(),
                committed.size(), missing, twice);
        assertThat(missing).as("committed events missing for read_committed").isZero();
        assertThat(twice).as("events seen twice by read_committed").isZero();
        assertThat(committed).hasSize(written.size());
    }

    private static String lastLines(Path log, String containing) throws IOException {
        List<String> hits = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.contains(containing)) {
                hits.add(line);
            }
        }
        return hits.isEmpty() ? "" : hits.get(hits.size() - 1);
    }

    /** Two instances, same options but the HTTP port; the first is active before the second starts. */
    private record Pair(Instance first, Instance second) {

        static Pair start(TestStack stack, String id, Map<String, String> extra) throws Exception {
            ConnectorFixture.installOutbox(stack.postgres());
            Map<String, String> options = new HashMap<>(extra);
            options.putIfAbsent(ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.EXACTLY_ONCE);
            // no_data: nothing but this test's rows is relayed (the shared outbox table holds other tests' rows).
            options.put(ConnectorOptions.SNAPSHOT_MODE, "no_data");
            Instance first = Instance.start(stack, id, options, "a");
            try {
                Await.until("the first instance is active and UP (log " + first.log() + ")", Duration.ofSeconds(90),
                        () -> "active".equals(first.role()) && first.up());
                Instance second = Instance.start(stack, id, options, "b");
                Await.until("the second instance is a standby and UP (log " + second.log() + ")", Duration.ofSeconds(90),
                        () -> "standby".equals(second.role()) && second.up());
                return new Pair(first, second);
            } catch (RuntimeException | Error e) {
                first.close();
                throw e;
            }
        }
    }

    private record Instance(ChildJvm jvm, int port) implements AutoCloseable {

        static Instance start(TestStack stack, String id, Map<String, String> extra, String which) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, String> options = ConnectorFixture.options(stack, id, extra);
            options.put(ConnectorOptions.HTTP_PORT, Integer.toString(port));
            Path log = Path.of("target", "standby-it-" + id + "-" + which + ".log");
            Files.deleteIfExists(log);
            return new Instance(ChildJvm.start(id + "-" + which, OutboxConnectorApp.class.getName(),
                    List.of(ConnectorFixture.args(options)), Map.of(), log), port);
        }

        Path log() {
            return jvm.log();
        }

        Map<String, String> health() {
            String body = body();
            Map<String, String> fields = new HashMap<>();
            Matcher m = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"?([^\",}]*)").matcher(body);
            while (m.find()) {
                fields.put(m.group(1), m.group(2));
            }
            return fields;
        }

        boolean up() {
            return body().contains("\"status\":\"UP\"");
        }

        String role() {
            Matcher m = ROLE.matcher(body());
            return m.find() ? m.group(1) : "";
        }

        long relayed() {
            Matcher m = RELAYED.matcher(body());
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }

        private String body() {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

}

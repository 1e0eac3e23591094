package io.onceonly.bench;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnector;
import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.ServerStack;

/**
 * Commit-to-Kafka latency of the relay at fixed offered rates: from the moment the business
 * transaction's commit returned to the moment a consumer holds the record. Durable PostgreSQL,
 * the connector with its defaults unless a setting is named.
 */
final class RelayLatency {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLatency.class);

    private final ServerStack stack;
    private final Results results;

    RelayLatency(ServerStack stack, Results results) {
        this.stack = stack;
        this.results = results;
    }

    void run(String slot, Map<String, String> settings, int[] rates, int seconds) throws Exception {
        String options = Options.describe(settings);
        ConnectorConfig config = config(slot, settings);
        // In exactly-once mode a record counts when a read_committed consumer can see it: once its transaction committed.
        String isolation = config.exactlyOnce() ? "read_committed" : "read_uncommitted";
        try (OutboxConnector connector = new OutboxConnector(config).start()) {
            ReplicationSlot.awaitActive(stack.postgres().dataSource(), slot, Duration.ofSeconds(60));
            measure("warmup-" + slot, 1_000, Math.max(3, seconds / 3), null, isolation);
            for (int rate : rates) {
                measure("bench-" + slot + "-" + rate, rate, seconds, rate + " ev/s, " + options, isolation);
            }
        }
        ReplicationSlot.drop(stack.postgres().dataSource(), slot, Duration.ofSeconds(30));
    }

    private void measure(String aggregateType, int rate, int seconds, String setting, String isolation) throws Exception {
        String topic = "outbox." + aggregateType;
        stack.kafka().createTopic(topic, 4);
        try (ArrivalClock clock = ArrivalClock.start(stack.kafka(), topic, isolation)) {
            OpenLoopWriter writer = new OpenLoopWriter(stack.postgres().dataSource());
            double cpuBefore = ProcessCpu.self();
            ThreadCpu threadsBefore = new ThreadCpu();
            long started = System.nanoTime();
            int committed = writer.run(aggregateType, rate, seconds, 10, 8);
            Latencies latencies = clock.awaitAll(writer.committedAtNanos(), Duration.ofSeconds(30));
            double elapsed = (System.nanoTime() - started) / 1e9;
            double connectorCpu = new ThreadCpu().secondsSince(threadsBefore, ThreadCpu.connector());
            if (setting == null) {
                return;
            }
            LOG.info("relay latency at {}: {} committed, {} received, p99 {} ms", setting, committed, latencies.count(),
                    latencies.percentileMillis(99));
            results.add(new Row("relay latency", setting, "p50 ms", latencies.percentileMillis(50), "commit returned -> consumer holds it (" + isolation + ")"));
            results.add(new Row("relay latency", setting, "p99 ms", latencies.percentileMillis(99), "target <= 50 at 2000 ev/s"));
            results.add(new Row("relay latency", setting, "max ms", latencies.percentileMillis(100), ""));
            results.add(new Row("relay latency", setting, "missing", committed - latencies.count(), "committed but not received in 30 s"));
            results.add(new Row("relay latency", setting, "connector cpu us/event", 1e6 * connectorCpu / Math.max(1, committed),
                    "the connector's threads (GC and JIT not counted)"));
            results.add(new Row("relay latency", setting, "bench JVM cpu %", 100 * (ProcessCpu.self() - cpuBefore) / elapsed,
                    "relay + broker + writers + consumer, % of one core"));
        }
    }

    private ConnectorConfig config(String slot, Map<String, String> settings) {
        return ConnectorConfig.from(AppOptions.load(Options.connectorArgs(stack, slot, settings), Map.of()));
    }

}

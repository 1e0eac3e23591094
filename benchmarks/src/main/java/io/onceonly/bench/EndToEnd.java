package io.onceonly.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.dedup.DedupApp;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.ServerStack;

/**
 * The whole pipeline at open-loop offered rates: business transactions of 10 events committed to
 * durable PostgreSQL, relayed by the connector, deduplicated by the dedup app (exactly_once_v2),
 * read from the output with read_committed. Connector and dedup app run as child JVMs, as
 * deployed, so each one's CPU is its process's; the broker runs in this JVM.
 */
final class EndToEnd {

    private static final Logger LOG = LoggerFactory.getLogger(EndToEnd.class);
    private static final int PER_TRANSACTION = 10;
    private static final int WRITER_THREADS = 8;
    /** Delivered below this share of the offered rate, the pipeline no longer keeps up. */
    private static final double SATURATED = 0.9;
    static final int WARM_RATE = 2_000;
    static final int WARM_ROUND_SECONDS = 5;
    static final int WARM_ROUNDS = 24;
    static final int COMPILED_PERCENT = 5;

    private final ServerStack stack;
    private final Results results;
    private final Path logs;
    private final int warmRounds;

    /** @param warmRounds at most this many warm-up rounds ({@link #WARM_ROUNDS} for a figure, 1 for a quick check) */
    EndToEnd(ServerStack stack, Results results, Path logs, int warmRounds) {
        this.stack = stack;
        this.results = results;
        this.logs = logs;
        this.warmRounds = warmRounds;
    }

    /**
     * Offers each of {@code rates} for {@code seconds}, then doubles the last while {@code onToSaturation}
     * and the pipeline keeps up; stops at the first rate it does not keep up with.
     */
    List<RatePoint> run(String name, Map<String, String> dedupSettings, int[] rates, int seconds, boolean onToSaturation)
            throws Exception {
        return run(name, Map.of(), dedupSettings, rates, seconds, onToSaturation);
    }

    /** As {@link #run(String, Map, int[], int, boolean)}, the connector with {@code connectorSettings}. */
    List<RatePoint> run(String name, Map<String, String> connectorSettings, Map<String, String> dedupSettings, int[] rates, int seconds,
                        boolean onToSaturation) throws Exception {
        String aggregate = "bench-e2e-" + name;
        String input = "outbox." + aggregate;
        String output = aggregate + "-out";
        stack.kafka().createTopic(input, 4);
        stack.kafka().createTopic(output, 4);
        Map<String, String> described = new LinkedHashMap<>(connectorSettings);
        dedupSettings.forEach((k, v) -> described.put("dedup." + k, v));
        String setting = Options.describe(described);
        String slot = "e2e_" + name.replace('-', '_');
        List<RatePoint> points = new ArrayList<>();
        try (ScratchDirectory state = new ScratchDirectory("once-bench-e2e");
             ChildJvm connector = ChildJvm.start("connector-" + name, OutboxConnectorApp.class.getName(),
                     List.of(ProcessThreads.LASTING_COMPILER_THREADS), List.of(Options.connectorArgs(stack, slot, connectorSettings)),
                     Map.of(), logs.resolve("e2e-connector-" + name + ".log"));
             ChildJvm dedup = ChildJvm.start("dedup-" + name, DedupApp.class.getName(), List.of(ProcessThreads.LASTING_COMPILER_THREADS),
                     List.of(Options.dedupArgs(stack, aggregate, input, output, state.toString(), dedupSettings)), Map.of(),
                     logs.resolve("e2e-dedup-" + name + ".log"));
             ArrivalClock clock = ArrivalClock.start(stack.kafka(), output, "read_committed")) {
            Components components = new Components(connector.pid(), dedup.pid(), ProcessCpu.postmaster(stack.postgres()));
            ReplicationSlot.awaitActive(stack.postgres().dataSource(), slot, Duration.ofSeconds(120));
            // Child JVMs start, Streams joins its group: the warm-up proves the whole path before timing it.
            OpenLoopWriter warmup = new OpenLoopWriter(stack.postgres().dataSource());
            warmup.run(aggregate, 1_000, 3, PER_TRANSACTION, WRITER_THREADS);
            Latencies warm = clock.awaitAll(warmup.committedAtNanos(), Duration.ofSeconds(120));
            if (warm.count() < warmup.committedAtNanos().size()) {
                throw new IllegalStateException("the pipeline delivered " + warm.count() + " of " + warmup.committedAtNanos().size()
                        + " warm-up events in 120 s; see " + connector.log() + " and " + dedup.log());
            }
            warmUntilCompiled(name, setting, aggregate, clock, connector, dedup);
            List<Integer> offered = new ArrayList<>();
            for (int rate : rates) {
                offered.add(rate);
            }
            for (int i = 0; i < offered.size(); i++) {
                RatePoint point = measure(aggregate, offered.get(i), seconds, setting, clock, components);
                points.add(point);
                if (point.throughput() < SATURATED * point.offered()) {
                    break;
                }
                if (onToSaturation && i == offered.size() - 1) {
                    offered.add(offered.get(i) * 2);
                }
            }
            connector.terminate(Duration.ofSeconds(30));
            dedup.terminate(Duration.ofSeconds(60));
        }
        return points;
    }

    /**
     * Offers {@value #WARM_RATE} events/s in rounds of {@value #WARM_ROUND_SECONDS} s until neither child
     * JVM's JIT compilers used more than {@value #COMPILED_PERCENT}% of a core in a round, at most
     * {@code warmRounds} rounds. Fresh JVMs compile for a minute or more: with a 3 s warm-up their
     * compiler threads took 30-44% of a core each at 1,000-2,000 events/s (2026-12-01), as much as the
     * pipeline itself on two cores, and the figure measured the start-up, not the deployed apps.
     */
    private void warmUntilCompiled(String name, String setting, String aggregate, ArrivalClock clock, ChildJvm connector, ChildJvm dedup)
            throws Exception {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("connector", connector.pid());
        pids.put("dedup", dedup.pid());
        CompilerQuiet.Outcome warm = CompilerQuiet.await(pids, COMPILED_PERCENT, warmRounds, round -> {
            OpenLoopWriter writer = new OpenLoopWriter(stack.postgres().dataSource());
            writer.run(aggregate, WARM_RATE, WARM_ROUND_SECONDS, PER_TRANSACTION, WRITER_THREADS);
            Latencies delivered = clock.awaitAll(writer.committedAtNanos(), Duration.ofSeconds(60));
            if (delivered.count() < writer.committedAtNanos().size()) {
                throw new IllegalStateException("warm-up round " + round + ": the pipeline delivered " + delivered.count() + " of "
                        + writer.committedAtNanos().size() + " events in 60 s; see " + connector.log() + " and " + dedup.log());
            }
        }, (round, compilers) -> LOG.info("end to end {}: warm-up round {} at {} ev/s, JIT compilers {} % of a core", name, round,
                WARM_RATE, compilers));
        String label = "warm-up, " + setting;
        results.add(new Row("end to end", label, "warm-up s", warm.seconds(), WARM_RATE + " ev/s in "
                + WARM_ROUND_SECONDS + " s rounds until each child JVM's JIT used <= " + COMPILED_PERCENT + "% of a core in a round"));
        warm.compilers().forEach((part, percent) -> results.add(new Row("end to end", label, "cpu % JIT " + part, percent,
                "its compiler threads in the last warm-up round" + (percent > COMPILED_PERCENT ? ": still compiling after "
                        + warm.rounds() + (warm.rounds() == 1 ? " round" : " rounds") : ""))));
    }

    private RatePoint measure(String aggregate, int rate, int seconds, String setting, ArrivalClock clock, Components components)
            throws Exception {
        OpenLoopWriter writer = new OpenLoopWriter(stack.postgres().dataSource());
        Components.Reading before = components.read();
        long started = System.nanoTime();
        int committed = writer.run(aggregate, rate, seconds, PER_TRANSACTION, WRITER_THREADS);
        long written = System.nanoTime();
        Latencies latencies = clock.awaitAll(writer.committedAtNanos(), Duration.ofSeconds(30));
        OptionalLong lastArrival = clock.lastArrival(writer.committedAtNanos().keySet());
        long done = System.nanoTime();
        Components.Reading after = components.read();
        double window = (done - started) / 1e9;
        double throughput = latencies.count() / ((lastArrival.orElse(done) - started) / 1e9);
        String label = rate + " ev/s, " + setting;
        LOG.info("end to end at {}: {} committed, {} delivered, {} ev/s sustained, p99 {} ms", label, committed, latencies.count(),
                Math.round(throughput), latencies.percentileMillis(99));
        results.add(new Row("end to end", label, "p50 ms", latencies.percentileMillis(50), "commit returned -> dedup output (read_committed)"));
        results.add(new Row("end to end", label, "p99 ms", latencies.percentileMillis(99), "target <= 50 at 2000 ev/s"));
        results.add(new Row("end to end", label, "max ms", latencies.percentileMillis(100), ""));
        results.add(new Row("end to end", label, "events/s", throughput, "delivered / (first commit -> last delivery); target >= 20000"));
        results.add(new Row("end to end", label, "committed ev/s", committed / ((written - started) / 1e9),
                "what the " + WRITER_THREADS + " writers committed: the offered rate unless PostgreSQL is the limit"));
        results.add(new Row("end to end", label, "missing", committed - latencies.count(), "committed but not delivered 30 s after the last commit"));
        Map<String, Double> cpu = after.minus(before, window);
        cpu.forEach((component, percent) ->
                results.add(new Row("end to end", label, "cpu % " + component, percent, "% of one core over the window")));
        // CPU seconds over the window per event delivered: comparable across rates, unlike a share of a core.
        for (String component : List.of("connector", "dedup")) {
            Double percent = cpu.get(component);
            if (percent != null && latencies.count() > 0) {
                results.add(new Row("end to end", label, "cpu µs/event " + component, percent / 100 * window * 1e6 / latencies.count(),
                        component.equals("connector") ? "target <= 50" : "its CPU over the window / events delivered"));
            }
            // Which of its threads: Debezium's reader, the engine's handler, the producer's I/O, Kafka Streams, JIT, GC.
            after.threadsSince(before, component, 6, window).forEach((group, share) ->
                    results.add(new Row("end to end", label, "cpu % thread " + component, share, group)));
        }
        return new RatePoint(rate, latencies.percentileMillis(50), latencies.percentileMillis(99), latencies.percentileMillis(100), throughput);
    }
}

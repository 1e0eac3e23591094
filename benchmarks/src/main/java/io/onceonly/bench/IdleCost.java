package io.onceonly.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.dedup.DedupApp;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.ServerStack;

/**
 * CPU the connector and the dedup app burn with no traffic at all: each runs in a child JVM,
 * measured from /proc over the same window.
 */
final class IdleCost {

    private static final Logger LOG = LoggerFactory.getLogger(IdleCost.class);

    private static final int ROUND_SECONDS = 5;
    static final int ROUNDS = 12;
    private static final double COMPILED_PERCENT = 0.5;

    private final ServerStack stack;
    private final Results results;
    private final Path logs;
    private final int compileRounds;

    /** @param compileRounds at most this many rounds of waiting for quiet compilers ({@link #ROUNDS} for a figure, 1 for a quick check) */
    IdleCost(ServerStack stack, Results results, Path logs, int compileRounds) {
        this.stack = stack;
        this.results = results;
        this.logs = logs;
        this.compileRounds = compileRounds;
    }

    /** The connector with {@code settings}, and the dedup app with its defaults when {@code withDedup}. */
    void run(String slot, Map<String, String> settings, boolean withDedup, int warmSeconds, int measureSeconds) throws Exception {
        String setting = Options.describe(settings);
        String idleTopic = "outbox.bench-idle";
        stack.kafka().createTopic(idleTopic, 4);
        Map<String, ChildJvm> apps = new LinkedHashMap<>();
        try (ScratchDirectory state = new ScratchDirectory("once-bench-idle")) {
            try {
                apps.put("connector, " + setting, ChildJvm.start(slot, OutboxConnectorApp.class.getName(),
                        List.of(ProcessThreads.LASTING_COMPILER_THREADS), List.of(Options.connectorArgs(stack, slot, settings)), Map.of(),
                        logs.resolve(slot + ".log")));
                if (withDedup) {
                    apps.put("dedup app, defaults", ChildJvm.start(slot + "-dedup", DedupApp.class.getName(),
                            List.of(ProcessThreads.LASTING_COMPILER_THREADS),
                            List.of(Options.dedupArgs(stack, "bench-idle-" + slot, idleTopic, "bench-idle-out", state.toString(), Map.of())),
                            Map.of(), logs.resolve(slot + "-dedup.log")));
                }
                measure(apps, withDedup, warmSeconds, measureSeconds);
            } finally {
                // Stopped before their state directory goes.
                for (ChildJvm app : apps.values()) {
                    app.terminate(Duration.ofSeconds(60));
                }
            }
        }
    }

    private void measure(Map<String, ChildJvm> apps, boolean withDedup, int warmSeconds, int measureSeconds) throws Exception {
        Thread.sleep(warmSeconds * 1000L);
        awaitCompiled(apps);
        Map<String, Double> before = new LinkedHashMap<>();
        Map<String, ProcessThreads> threadsBefore = new LinkedHashMap<>();
        for (Map.Entry<String, ChildJvm> app : apps.entrySet()) {
            before.put(app.getKey(), ProcessCpu.seconds(app.getValue().pid()));
            threadsBefore.put(app.getKey(), ProcessThreads.of(app.getValue().pid()));
        }
        Thread.sleep(measureSeconds * 1000L);
        double total = 0;
        for (Map.Entry<String, ChildJvm> app : apps.entrySet()) {
            double percent = 100 * (ProcessCpu.seconds(app.getValue().pid()) - before.get(app.getKey())) / measureSeconds;
            // What wakes up while nothing happens: the app's own threads, or the JVM's compilers and GC.
            ProcessThreads.of(app.getValue().pid()).topSince(threadsBefore.get(app.getKey()), 5).forEach((group, seconds) ->
                    results.add(new Row("idle cost", app.getKey(), "cpu % thread", 100 * seconds / measureSeconds, group)));
            total += percent;
            LOG.info("idle {}: {}% of one core", app.getKey(), String.format("%.2f", percent));
            results.add(new Row("idle cost", app.getKey(), "cpu % of a core", percent, "over " + measureSeconds + " s without traffic"
                    + (withDedup ? "" : "; target (with dedup) <= 3")));
        }
        if (withDedup) {
            results.add(new Row("idle cost", "connector + dedup app", "cpu % of a core", total, "target <= 3"));
        }
    }

    /**
     * Waits, in rounds of {@value #ROUND_SECONDS} s and at most {@code compileRounds}, until no app's JIT
     * compilers used more than {@value #COMPILED_PERCENT}% of a core in a round: a fresh JVM compiles its
     * start-up for a while (2.2% of a core in the connector's first 30 s idle, 2026-12-01), which a
     * deployed app that has been idle for a while does not pay.
     */
    private void awaitCompiled(Map<String, ChildJvm> apps) throws Exception {
        Map<String, Long> pids = new LinkedHashMap<>();
        apps.forEach((app, jvm) -> pids.put(app, jvm.pid()));
        CompilerQuiet.Outcome quiet = CompilerQuiet.await(pids, COMPILED_PERCENT, compileRounds, round -> Thread.sleep(ROUND_SECONDS * 1000L),
                (round, compilers) -> LOG.info("idle: JIT compilers {} % of a core in round {}", compilers, round));
        quiet.compilers().forEach((app, percent) -> results.add(new Row("idle cost", app, "cpu % JIT before", percent,
                "its compiler threads in the last round of waiting (" + quiet.rounds() + " of at most " + compileRounds + ")"
                        + (percent > COMPILED_PERCENT ? ": still compiling, so the figure includes some" : ""))));
    }
}

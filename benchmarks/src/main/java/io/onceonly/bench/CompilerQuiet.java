package io.onceonly.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Rounds of work until the JIT compilers of some JVMs are quiet: a fresh JVM compiles for a minute or
 * more, a start-up cost that a deployed app pays once and that a figure of the app should not include
 * (end to end and idle wait with it, under load and without).
 */
final class CompilerQuiet {

    /** One round: offers load, or just lets time pass. */
    interface Round {
        void run(int round) throws Exception;
    }

    /**
     * How the waiting ended: the rounds it took, the seconds they took, and each JVM's compilers in the
     * last round in % of one core.
     */
    record Outcome(int rounds, double seconds, Map<String, Double> compilers) {

        /** Whether every JVM's compilers used at most {@code percent} of a core in the last round. */
        boolean quietAt(double percent) {
            return compilers.values().stream().allMatch(p -> p <= percent);
        }
    }

    private CompilerQuiet() {
    }

    /**
     * Runs {@code round} until the compiler threads of every JVM in {@code pids} (name -> pid) used at
     * most {@code percent} of a core in a round, or {@code maxRounds} rounds have run; {@code log}
     * hears each round's readings.
     */
    static Outcome await(Map<String, Long> pids, double percent, int maxRounds, Round round,
                         BiConsumer<Integer, Map<String, Double>> log) throws Exception {
        long started = System.nanoTime();
        Map<String, Double> compilers = new LinkedHashMap<>();
        int n = 0;
        while (true) {
            n++;
            Map<String, ProcessThreads> before = new LinkedHashMap<>();
            for (Map.Entry<String, Long> jvm : pids.entrySet()) {
                before.put(jvm.getKey(), ProcessThreads.of(jvm.getValue()));
            }
            long roundStart = System.nanoTime();
            round.run(n);
            double window = (System.nanoTime() - roundStart) / 1e9;
            for (Map.Entry<String, Long> jvm : pids.entrySet()) {
                compilers.put(jvm.getKey(), 100 * ProcessThreads.of(jvm.getValue()).compilersSince(before.get(jvm.getKey())) / window);
            }
            log.accept(n, compilers);
            Outcome outcome = new Outcome(n, (System.nanoTime() - started) / 1e9, Collections.unmodifiableMap(new LinkedHashMap<>(compilers)));
            if (outcome.quietAt(percent) || n == maxRounds) {
                return outcome;
            }
        }
    }
}

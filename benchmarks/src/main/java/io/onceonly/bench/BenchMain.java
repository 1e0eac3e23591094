package io.onceonly.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.stack.ServerStack;

/**
 * {@code mvn -pl benchmarks exec:java [-Dexec.args="--quick --out DIR --compare FILE"]}: runs the
 * figures on the embedded stack (durable PostgreSQL, in-process Kafka), prints a table and writes
 * results.json, results.md and latency.svg to {@code DIR} (default {@code benchmarks/target/results});
 * with {@code --compare}, also each figure beside an earlier run's results.json (comparison.md).
 */
public final class BenchMain {

    private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of(System.getProperty("bench.out", "target/results"));
        Path compare = null;
        Path with = null;
        List<String> figures = FIGURES;
        List<Variants.Variant> variants = new ArrayList<>();
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].startsWith("--figures=")) {
                figures = List.of(args[i].substring("--figures=".length()).split(","));
                for (String f : figures) {
                    if (!FIGURES.contains(f)) {
                        usage("unknown figure " + f + "; figures: " + String.join(",", FIGURES));
                    }
                }
            } else if (args[i].equals("--variant") && i + 1 < args.length) {
                try {
                    variants.add(Variants.Variant.parse(args[++i]));
                } catch (IllegalArgumentException e) {
                    usage(e.getMessage());
                }
            } else if (args[i].startsWith("--rounds=")) {
                rounds = Integer.parseInt(args[i].substring("--rounds=".length()));
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].equals("--compare") && i + 1 < args.length) {
                compare = Path.of(args[++i]);
            } else if (args[i].equals("--with") && i + 1 < args.length) {
                with = Path.of(args[++i]);
            } else {
                usage("unknown argument " + args[i]);
            }
        }
        if (with != null && compare == null) {
            usage("--with compares a results.json with the one --compare names");
        }
        Comparison earlier;
        try {
            earlier = compare == null ? null : Comparison.against(compare);
            if (with != null) {
                // Two earlier runs side by side, nothing measured.
                System.out.print(earlier.table(Comparison.rows("--with", with)));
                return;
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        if (!variants.isEmpty()) {
            if (!Variants.FIGURES.containsAll(figures)) {
                usage("--variant compares only " + String.join(",", Variants.FIGURES) + "; name them with --figures=");
            }
            try (ServerStack stack = ServerStack.embedded()) {
                try (var c = stack.postgres().dataSource().getConnection()) {
                    OutboxSchema.install(c);
                }
                System.out.print(new Variants(stack, out).run(figures, variants, rounds, quick));
            }
            System.out.println("\nwritten: " + out.toAbsolutePath().resolve("variants.md"));
            return;
        }
        Results results = run(quick, out, figures);
        System.out.println();
        System.out.print(results.table());
        System.out.println("\nwritten: " + out.toAbsolutePath().resolve("results.json") + ", results.md and latency.svg");
        if (earlier != null) {
            System.out.println();
            System.out.print(earlier.table(results.rows()));
            Files.writeString(out.resolve("comparison.md"), "# Once benchmark results compared\n\n" + earlier.markdown(results.rows()));
            System.out.println("written: " + out.toAbsolutePath().resolve("comparison.md"));
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: BenchMain [--quick] [--out DIR] [--figures=F,F...] [--compare EARLIER/results.json]"
                + "\n       BenchMain --figures=relay-drain,relay-latency,idle --variant NAME[:K=V,K=V...] --variant ..."
                + " [--rounds=3] [--quick] [--out DIR]   (connector and dedup.* settings compared, alternating)"
                + "\n       BenchMain --compare EARLIER/results.json --with LATER/results.json   (no run: two results side by side)");
        System.exit(2);
    }

    /** Every figure, in the order they run; {@code --figures=} names some of them. */
    static final List<String> FIGURES = List.of("outbox-write", "relay-drain", "dedup", "dedup-store", "relay-latency", "end-to-end", "idle");

    /**
     * Runs every figure, briefly when {@code quick}, and writes the result files to {@code out}.
     *
     * @return the rows written
     */
    public static Results run(boolean quick, Path out) throws Exception {
        return run(quick, out, FIGURES);
    }

    /**
     * Runs {@code figures} (of {@link #FIGURES}), briefly when {@code quick}, and writes the result files to {@code out}.
     *
     * @return the rows written
     */
    static Results run(boolean quick, Path out, List<String> figures) throws Exception {
        Files.createDirectories(out);
        Results results = new Results();
        List<RatePoint> endToEnd = List.of();
        try (ServerStack stack = ServerStack.embedded()) {
            try (var c = stack.postgres().dataSource().getConnection()) {
                OutboxSchema.install(c);
            }
            long started = System.nanoTime();
            if (figures.contains("outbox-write")) {
                new OutboxWriteThroughput(stack.postgres().dataSource(), results).run(new int[] {1, 10, 100}, 8, quick ? 2 : 5);
                started = stage("outbox write", started);
            }
            if (figures.contains("relay-drain")) {
                BacklogDrain drain = new BacklogDrain(stack, results);
                if (!quick) {
                    // Drains get faster through a run (JIT, page cache): one unrecorded drain first, and the defaults
                    // again last, so that drift shows beside the settings compared.
                    new BacklogDrain(stack, new Results()).run("drain_warmup", Map.of(), 50_000);
                }
                drain.run("drain", Map.of(), quick ? 10_000 : 100_000);
                if (!quick) {
                    // Debezium hands the relay batches of max.batch.size (default 2,048) from a queue of max.queue.size (8,192).
                    drain.run("drain_batch8k", Map.of("debezium.max.batch.size", "8192", "debezium.max.queue.size", "32768"), 100_000);
                    // The reader sleeps poll.interval.ms whenever the replication stream has nothing buffered.
                    drain.run("drain_poll1", Map.of("poll.interval.ms", "1"), 100_000);
                }
                // Each Debezium batch and its position in one Kafka transaction; the transactional producer compresses with zstd.
                // The two modes alternate, three rounds each: drains speed up through a run by more than the modes differ.
                Map<String, String> exactlyOnce = Map.of("delivery.guarantee", "exactly-once");
                if (quick) {
                    drain.run("drain_eos", exactlyOnce, 10_000);
                } else {
                    for (int round = 1; round <= 3; round++) {
                        new BacklogDrain(stack, results, "modes, round " + round).run("drain_alo_" + round, Map.of(), 100_000);
                        new BacklogDrain(stack, results, "modes, round " + round).run("drain_eos_" + round, exactlyOnce, 100_000);
                    }
                    drain.run("drain_eos_lz4", Map.of("delivery.guarantee", "exactly-once", "kafka.compression.type", "lz4"), 100_000);
                    new BacklogDrain(stack, results, "again, last").run("drain_again", Map.of(), 100_000);
                }
                started = stage("relay backlog", started);
            }
            if (figures.contains("dedup")) {
                new DedupThroughput(stack, results).run(quick ? 50_000 : 500_000, 0.10);
                started = stage("dedup", started);
            }
            if (figures.contains("dedup-store")) {
                new StoreLookup(results).run(quick ? 20_000 : 200_000, quick ? 2 : 6, quick ? 1 : 2);
                started = stage("dedup store", started);
            }

            if (figures.contains("relay-latency")) {
                int seconds = quick ? 5 : 10;
                RelayLatency latency = new RelayLatency(stack, results);
                latency.run("lat_default", Map.of(), quick ? new int[] {2_000} : new int[] {500, 2_000, 5_000}, seconds);
                latency.run("lat_eos", Map.of("delivery.guarantee", "exactly-once"), quick ? new int[] {2_000} : new int[] {500, 2_000, 5_000},
                        seconds);
                if (!quick) {
                    latency.run("lat_poll20", Map.of("poll.interval.ms", "20"), new int[] {2_000}, seconds);
                    latency.run("lat_poll500", Map.of("poll.interval.ms", "500"), new int[] {2_000}, seconds);
                }
                started = stage("relay latency", started);
            }

            if (figures.contains("end-to-end")) {
                EndToEnd e2e = new EndToEnd(stack, results, out, quick ? 1 : EndToEnd.WARM_ROUNDS);
                endToEnd = quick ? e2e.run("default", Map.of(), new int[] {1_000, 2_000}, 3, false)
                        : e2e.run("default", Map.of(), new int[] {1_000, 2_000, 5_000, 10_000, 20_000}, 10, true);
                if (!quick) {
                    // exactly_once_v2 makes output visible at each commit: every 20 ms in the dedup app, 100 ms in Kafka Streams' default.
                    e2e.run("commit100", Map.of("kafka.commit.interval.ms", "100"), new int[] {2_000}, 10, false);
                }
                started = stage("end to end", started);
            }

            if (figures.contains("idle")) {
                IdleCost idle = new IdleCost(stack, results, out, quick ? 1 : IdleCost.ROUNDS);
                idle.run("idle_default", Map.of(), true, quick ? 5 : 10, quick ? 5 : 30);
                if (!quick) {
                    idle.run("idle_poll20", Map.of("poll.interval.ms", "20"), false, 5, 15);
                    idle.run("idle_poll500", Map.of("poll.interval.ms", "500"), false, 5, 15);
                }
                stage("idle cost", started);
            }
        }
        if (!endToEnd.isEmpty()) {
            LatencyByRateChart.write(out.resolve("latency.svg"), "Once end to end: commit -> dedup output, durable PostgreSQL", endToEnd);
            results.chart("latency.svg", "end-to-end latency against offered rate");
        }
        results.write(out, quick);
        return results;
    }

    private static long stage(String name, long started) {
        long now = System.nanoTime();
        LOG.info("{} done in {} s", name, (now - started) / 1_000_000_000);
        return now;
    }
}

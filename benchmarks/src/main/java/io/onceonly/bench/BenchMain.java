package io.onceonly.bench;

import java.nio.file.Path;
import java.util.Map;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.testkit.TestStack;

/**
 * {@code mvn -pl benchmarks exec:java [-Dexec.args="--quick --out DIR"]}: runs the figures on the
 * testkit stack (durable PostgreSQL, in-process Kafka), prints a table and writes results.json and
 * results.md to {@code DIR} (default {@code benchmarks/target/results}).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("target", "results");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                System.err.println("usage: BenchMain [--quick] [--out DIR]");
                System.exit(2);
            }
        }
        Results results = new Results();
        try (TestStack stack = TestStack.start()) {
            try (var c = stack.postgres().dataSource().getConnection()) {
                OutboxSchema.install(c);
            }
            int seconds = quick ? 5 : 20;
            RelayLatency latency = new RelayLatency(stack, results);
            latency.run("lat_default", Map.of(), quick ? new int[] {2_000} : new int[] {500, 2_000, 5_000}, seconds);
            if (!quick) {
                latency.run("lat_poll20", Map.of("poll.interval.ms", "20"), new int[] {2_000}, seconds);
                latency.run("lat_poll500", Map.of("poll.interval.ms", "500"), new int[] {2_000}, seconds);
            }
            IdleCost idle = new IdleCost(stack, results, out);
            idle.run("idle_default", Map.of(), quick ? 5 : 10, quick ? 5 : 30);
            if (!quick) {
                idle.run("idle_poll5", Map.of("poll.interval.ms", "5"), 10, 30);
                idle.run("idle_poll20", Map.of("poll.interval.ms", "20"), 10, 30);
                idle.run("idle_poll500", Map.of("poll.interval.ms", "500"), 10, 30);
            }
        }
        System.out.println();
        System.out.print(results.table());
        results.write(out, quick);
        System.out.println("\nwritten: " + out.toAbsolutePath().resolve("results.json") + " and results.md");
    }
}

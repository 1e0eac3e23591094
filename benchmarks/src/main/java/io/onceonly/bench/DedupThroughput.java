package io.onceonly.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.dedup.DedupService;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.ServerStack;
import io.onceonly.workload.DuplicatedPayments;

/**
 * Records per second through the dedup app with exactly_once_v2, against the same app with
 * at_least_once on the same records (the limit: no transactions). The app runs in this JVM with
 * its defaults; each run is a new application id, so it reads the topic from its start.
 */
final class DedupThroughput {

    private static final Logger LOG = LoggerFactory.getLogger(DedupThroughput.class);
    private static final String INPUT = "outbox.bench-dedup";

    private final ServerStack stack;
    private final Results results;
    private final Map<String, Map<String, Double>> profile = new LinkedHashMap<>();
    private final Map<String, Double> commitsPerSecond = new LinkedHashMap<>();

    DedupThroughput(ServerStack stack, Results results) {
        this.stack = stack;
        this.results = results;
    }

    void run(int records, double duplicateShare) throws Exception {
        run("", records, duplicateShare, Map.of());
    }

    /**
     * Both guarantees on the same records, the app with {@code settings} (its options, as on its
     * command line); {@code name} tells this run's topics and application ids from other runs'.
     */
    void run(String name, int records, double duplicateShare, Map<String, String> settings) throws Exception {
        String input = name.isEmpty() ? INPUT : INPUT + "-" + name;
        stack.kafka().createTopic(input, 4);
        DuplicatedPayments load = new DuplicatedPayments();
        load.produce(stack.kafka().clientProperties(), input, records, duplicateShare, 0, 0);
        int unique = load.uniqueCount();
        // exactly_once_v2 first: a JVM warming up slows whichever runs first, so the ratio errs low.
        double exactlyOnce = measure(name, input, "exactly_once_v2", records, unique, settings);
        double atLeastOnce = measure(name, input, "at_least_once", records, unique, settings);
        String setting = records + " records, " + Math.round(duplicateShare * 100) + "% duplicates"
                + (settings.isEmpty() ? "" : ", " + Options.describe(settings));
        results.add(new Row("dedup", setting, "records/s", exactlyOnce, "exactly_once_v2, app defaults"));
        results.add(new Row("dedup", setting, "limit records/s", atLeastOnce, "at_least_once, same records"));
        results.add(new Row("dedup", setting, "ratio %", 100 * exactlyOnce / atLeastOnce, "exactly_once_v2 / at_least_once; target >= 90"));
        // Each exactly-once commit stops the stream thread for a flush and two round trips: how many there were.
        results.add(new Row("dedup", setting, "commits/s", commitsPerSecond.get("exactly_once_v2"),
                "exactly_once_v2: Kafka Streams' commit-total over the run / its seconds"));
        // The stream thread, sampled: where each guarantee spends its time.
        profile.forEach((guarantee, places) -> places.forEach((place, share) ->
                results.add(new Row("dedup", setting, "samples %", share, guarantee + ": " + place))));
    }

    /** Records per second from the first record read to the last. */
    private double measure(String name, String input, String guarantee, int records, int unique, Map<String, String> settings)
            throws Exception {
        String app = "bench-dedup-" + guarantee.replace('_', '-') + (name.isEmpty() ? "" : "-" + name);
        // Created up front: a sink topic the broker creates on first send keeps the stream thread
        // waiting for its metadata, which the first profile showed as a large share of the run.
        stack.kafka().createTopic(app + "-out", 4);
        stack.kafka().createTopic(OutboxTopics.duplicatesOf(app + "-out"), 4);
        try (ScratchDirectory state = new ScratchDirectory("once-bench-dedup")) {
            Map<String, String> options = new LinkedHashMap<>(settings);
            options.put("processing.guarantee", guarantee);
            DedupConfig config = DedupConfig.from(AppOptions.load(Options.dedupArgs(stack, app, input, app + "-out",
                    state.toString(), options), Map.of()));
            return measure(config, guarantee, records, unique);
        }
    }

    private double measure(DedupConfig config, String guarantee, int records, int unique) throws InterruptedException {
        try (DedupService service = new DedupService(config).start()) {
            // Not Await: the first and the last record's moments are the measurement, so this polls every 5 ms.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (service.metrics().inCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long firstAt = System.nanoTime();
            double commitsBefore = service.commits();
            try (StackSampler sampler = StackSampler.start(name -> name.matches(".*-StreamThread-\\d+"))) {
                while (service.metrics().inCount() < records && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                profile.put(guarantee, sampler.top(5));
            }
            long doneAt = System.nanoTime();
            long in = service.metrics().inCount();
            if (in < records) {
                throw new IllegalStateException(guarantee + ": the dedup app read " + in + " of " + records + " records in 5 minutes");
            }
            double rate = in / ((doneAt - firstAt) / 1e9);
            commitsPerSecond.put(guarantee, (service.commits() - commitsBefore) / ((doneAt - firstAt) / 1e9));
            LOG.info("dedup {}: {} records/s, {} forwarded ({} unique written), {} duplicates", guarantee, Math.round(rate),
                    service.metrics().forwardedCount(), unique, service.metrics().duplicateCount());
            return rate;
        }
    }
}

package io.onceonly.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.stack.ServerStack;

/**
 * Connector and dedup app settings compared figure by figure in one run (a setting named
 * {@code dedup.NAME} is the dedup app's option NAME; every other one is the connector's): every round runs each variant once,
 * in a rotated order (round 2 starts with the second variant), so that the machine's drift through
 * the run weighs on all alike; the summary gives each variant's median and range over the rounds.
 * A difference counts only when it is larger than the ranges.
 */
final class Variants {

    private static final Logger LOG = LoggerFactory.getLogger(Variants.class);

    /** The figures a comparison can run. */
    static final Set<String> FIGURES = Set.of("relay-drain", "relay-latency", "idle", "dedup", "end-to-end");

    /** One set of connector and dedup app settings, named. */
    record Variant(String name, Map<String, String> settings) {

        private static final String DEDUP = "dedup.";

        /** The connector's settings. */
        Map<String, String> connector() {
            Map<String, String> connector = new LinkedHashMap<>(settings);
            connector.keySet().removeIf(k -> k.startsWith(DEDUP));
            return connector;
        }

        /** The dedup app's settings, without their {@code dedup.} prefix. */
        Map<String, String> dedup() {
            Map<String, String> dedup = new LinkedHashMap<>();
            settings.forEach((k, v) -> {
                if (k.startsWith(DEDUP)) {
                    dedup.put(k.substring(DEDUP.length()), v);
                }
            });
            return dedup;
        }

        /** {@code NAME:K=V,K=V} or {@code NAME} (the defaults). */
        static Variant parse(String text) {
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            if (!name.matches("[a-z0-9]+")) {
                throw new IllegalArgumentException("a variant's name is lower-case letters and digits: " + name);
            }
            Map<String, String> settings = new LinkedHashMap<>();
            if (colon >= 0 && colon < text.length() - 1) {
                for (String pair : text.substring(colon + 1).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("a variant's setting is K=V: " + pair);
                    }
                    settings.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            return new Variant(name, settings);
        }
    }

    private record Measured(String variant, Row row) {
    }

    private final ServerStack stack;
    private final Path out;
    private final List<Measured> measured = new ArrayList<>();

    Variants(ServerStack stack, Path out) {
        this.stack = stack;
        this.out = out;
    }

    /**
     * Runs {@code figures} for every variant, {@code rounds} times, and writes variants.md.
     *
     * @return the summary, as printed
     */
    String run(List<String> figures, List<Variant> variants, int rounds, boolean quick) throws Exception {
        int rows = quick ? 10_000 : 100_000;
        int seconds = quick ? 5 : 10;
        Files.createDirectories(out);
        if (figures.contains("relay-drain")) {
            // Drains get faster through a run (JIT, page cache): one unrecorded drain first.
            new BacklogDrain(stack, new Results()).run("v_warmup", Map.of(), quick ? 5_000 : 50_000);
        }
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get((i + round - 1) % variants.size());
                String slot = "v_" + v.name() + "_" + round;
                LOG.info("round {} of {}: {} {}", round, rounds, v.name(), v.settings());
                if (figures.contains("relay-drain")) {
                    Results results = new Results();
                    new BacklogDrain(stack, results, v.name() + ", round " + round).run(slot + "_d", v.connector(), rows);
                    keep(v, results);
                }
                if (figures.contains("relay-latency")) {
                    Results results = new Results();
                    new RelayLatency(stack, results).run(slot + "_l", v.connector(), new int[] {2_000}, seconds);
                    keep(v, results);
                }
                if (figures.contains("idle")) {
                    Results results = new Results();
                    new IdleCost(stack, results, out, quick ? 1 : IdleCost.ROUNDS).run(slot + "_i", v.connector(), false, 5, quick ? 5 : 15);
                    // The idle figure leaves its slot; a comparison starts many, more than max_replication_slots.
                    ReplicationSlot.drop(stack.postgres().dataSource(), slot + "_i", Duration.ofSeconds(30));
                    keep(v, results);
                }
                if (figures.contains("dedup")) {
                    Results results = new Results();
                    new DedupThroughput(stack, results).run(slot.replace('_', '-'), quick ? 20_000 : 500_000, 0.10, v.dedup());
                    keep(v, results);
                }
                if (figures.contains("end-to-end")) {
                    Results results = new Results();
                    // Fresh child JVMs compile through their first seconds: 1,000 events/s first, only 2,000 kept.
                    new EndToEnd(stack, results, out, quick ? 1 : EndToEnd.WARM_ROUNDS)
                            .run(slot.replace('_', '-'), v.connector(), v.dedup(), new int[] {1_000, 2_000}, seconds,
                            false);
                    ReplicationSlot.drop(stack.postgres().dataSource(), "e2e_" + slot, Duration.ofSeconds(30));
                    Results kept = new Results();
                    results.rows().stream().filter(r -> r.setting().startsWith("2000 ev/s")).forEach(kept::add);
                    keep(v, kept);
                }
            }
            // After every round: a run cut short still leaves what it measured.
            write(variants, round);
        }
        return write(variants, rounds);
    }

    private String write(List<Variant> variants, int rounds) throws Exception {
        String summary = summary(variants, rounds);
        Files.writeString(out.resolve("variants.md"), "# Once variants compared\n\n" + summary);
        return summary;
    }

    private void keep(Variant v, Results results) {
        results.rows().forEach(r -> measured.add(new Measured(v.name(), r)));
    }

    private static final List<String[]> SHOWN = List.of(
            new String[] {"relay backlog", "events/s"},
            new String[] {"relay backlog", "connector cpu us/event"},
            new String[] {"relay backlog", "cpu % postgres"},
            new String[] {"relay latency", "p50 ms"},
            new String[] {"relay latency", "p99 ms"},
            new String[] {"relay latency", "connector cpu us/event"},
            new String[] {"idle cost", "cpu % of a core"},
            new String[] {"dedup", "records/s"},
            new String[] {"dedup", "limit records/s"},
            new String[] {"dedup", "ratio %"},
            new String[] {"dedup", "commits/s"},
            new String[] {"end to end", "p50 ms"},
            new String[] {"end to end", "p99 ms"},
            new String[] {"end to end", "cpu µs/event connector"},
            new String[] {"end to end", "cpu µs/event dedup"});

    private String summary(List<Variant> variants, int rounds) {
        StringBuilder s = new StringBuilder();
        for (Variant v : variants) {
            s.append("- `").append(v.name()).append("`: ").append(v.settings().isEmpty() ? "defaults" : Options.describe(v.settings()))
                    .append('\n');
        }
        s.append("\n").append(rounds).append(" rounds, variants alternating; median [min - max] over the rounds.\n\n");
        s.append("| figure | metric |");
        variants.forEach(v -> s.append(' ').append(v.name()).append(" |"));
        s.append("\n|---|---|");
        variants.forEach(v -> s.append("---:|"));
        s.append('\n');
        for (String[] shown : SHOWN) {
            StringBuilder line = new StringBuilder("| " + shown[0] + " | " + shown[1] + " |");
            boolean any = false;
            for (Variant v : variants) {
                List<Double> values = measured.stream()
                        .filter(m -> m.variant().equals(v.name()) && m.row().figure().equals(shown[0]) && m.row().metric().equals(shown[1]))
                        .map(m -> m.row().value()).sorted().toList();
                if (values.isEmpty()) {
                    line.append(" |");
                    continue;
                }
                any = true;
                line.append(' ').append(format(median(values))).append(" [").append(format(values.get(0))).append(" - ")
                        .append(format(values.get(values.size() - 1))).append("] |");
            }
            if (any) {
                s.append(line).append('\n');
            }
        }
        s.append("\nEvery round, in order:\n\n| variant | figure | setting | metric | value |\n|---|---|---|---|---:|\n");
        for (Measured m : measured) {
            s.append("| ").append(m.variant()).append(" | ").append(m.row().figure()).append(" | ").append(m.row().setting())
                    .append(" | ").append(m.row().metric()).append(" | ").append(format(m.row().value())).append(" |\n");
        }
        return s.toString();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}

package io.onceonly.demo.membership.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.onceonly.demo.membership.DemoOptions;
import io.onceonly.demo.membership.card.CardIssuingService;
import io.onceonly.demo.membership.driver.Buyers;
import io.onceonly.demo.membership.driver.Fault;
import io.onceonly.demo.membership.driver.FaultLog;
import io.onceonly.demo.membership.services.DemoNames;

/**
 * The end of a demo run: where duplicates were made and where they were removed, the faults that
 * fired, throughput and latency, and the verdict. Printed, and written as Markdown with an SVG chart.
 */
public final class DemoReport {

    private final String settings;
    private final List<LayerRow> layers = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final Map<Fault, Long> fired = new LinkedHashMap<>();
    private final List<String> faultLines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final double[] latencyMs;
    private final String throughput;
    private final long duplicatesCreated;
    private final String chart;

    /**
     * The measured phase's extent.
     *
     * @param warmUpPurchases purchase requests sent before the clock started
     * @param warmUpCards cards issued before the clock started
     * @param writeSeconds how long the measured purchases took
     * @param totalSeconds from the first measured purchase to the last card
     */
    public record Timing(int warmUpPurchases, long warmUpCards, double writeSeconds, double totalSeconds) {
    }

    public DemoReport(DemoOptions options, Buyers buyers, FaultLog faults, TopicTally topics, CardIssuingService cards,
                      Ledger ledger, LatencyRecorder latencies, Timing timing) {
        this.settings = String.format(Locale.ROOT, "%,d purchase requests by %d buyers at %s, faults: %s, on %s",
                options.events(), options.clients(), options.rate() == 0 ? "full speed" : String.format(Locale.ROOT, "%,d/s", options.rate()),
                faults.enabled().isEmpty() ? "none" : faults.enabled().stream().map(Fault::option).collect(Collectors.joining(", ")),
                options.embedded() ? "embedded Kafka + PostgreSQL 17 (durable commits)" : options.bootstrapServers() + " + " + options.databaseUrl());

        long malformed = faults.count(Fault.MALFORMED_ROWS);
        long relayed = topics.records(DemoNames.PAYMENT_TOPIC);
        long relayedEvents = topics.eventIds(DemoNames.PAYMENT_TOPIC);
        long relayResends = relayed - relayedEvents;
        long forwarded = topics.records(DemoNames.CARD_TOPIC);
        long forwardedBizIds = topics.bizIds(DemoNames.CARD_TOPIC);
        long audited = topics.records(DemoNames.DUPLICATES_TOPIC);
        // Dead letters are relayed at least once too: a connector crash can send one again.
        long connectorDead = topics.eventIds(DemoNames.CONNECTOR_DEAD_LETTER);
        long connectorDeadResent = topics.records(DemoNames.CONNECTOR_DEAD_LETTER) - connectorDead;
        long dedupDead = topics.records(DemoNames.DEDUP_DEAD_LETTER);
        long clientRetries = faults.count(Fault.CLIENT_RETRY);
        long redeliveries = cards.delivered() - forwarded;

        layers.add(new LayerRow("buyers -> payment API", n(buyers.requests()) + " calls",
                n(clientRetries) + " client retries", n(buyers.replayed()) + " (request id: same payment back)",
                n(buyers.completed()) + " payments, " + n(buyers.refused()) + " refused"));
        layers.add(new LayerRow("payment tx -> outbox", n(buyers.completed()) + " payments", n(buyers.resends()) + " business resends",
                "-", n(buyers.written()) + " events + " + n(malformed) + " malformed rows"));
        layers.add(new LayerRow("connector -> " + DemoNames.PAYMENT_TOPIC, n(buyers.written() + malformed) + " rows",
                n(relayResends) + " resent", "-", n(relayed) + " records, " + n(connectorDead) + " dead letters"
                        + (connectorDeadResent > 0 ? " (+" + n(connectorDeadResent) + " resent)" : "")));
        layers.add(new LayerRow("dedup (biz-id store)", n(relayed) + " records", "-", n(audited) + " (to " + DemoNames.DUPLICATES_TOPIC + ")",
                n(forwarded) + " forwarded, " + n(dedupDead) + " dead letters"));
        layers.add(new LayerRow("card service (claim)", n(cards.delivered()) + " deliveries", n(redeliveries) + " redelivered",
                n(cards.claimRefused()) + " (claim refused)", n(ledger.cards()) + " cards"));
        this.duplicatesCreated = clientRetries + buyers.resends() + relayResends + connectorDeadResent + redeliveries;

        for (Fault f : Fault.values()) {
            if (faults.enabled(f)) {
                fired.put(f, faults.count(f));
                long at = faults.firstAtMillis(f);
                faultLines.add(String.format(Locale.ROOT, "%-16s %6s  %s%s", f.option(), faults.count(f) == 0 ? "NOT FIRED" : n(faults.count(f)) + "x",
                        at < 0 ? "" : String.format(Locale.ROOT, "first at %.1fs: ", at / 1000.0), faults.note(f).isEmpty() ? f.description() : faults.note(f)));
            }
        }

        checks.add(new Check("charges == cards == distinct successful purchases",
                ledger.payments() == ledger.cards() && ledger.cards() == buyers.completed(),
                n(ledger.payments()) + " == " + n(ledger.cards()) + " == " + n(buyers.completed())));
        checks.add(new Check("no payment without its card", ledger.paymentsWithoutCard() == 0, n(ledger.paymentsWithoutCard()) + " without"));
        checks.add(new Check("no second card for one payment", ledger.secondCards() == 0, n(ledger.secondCards()) + " payments with two or more"));
        checks.add(new Check("no card without a payment", ledger.cardsWithoutPayment() == 0, n(ledger.cardsWithoutPayment()) + " orphan cards"));
        checks.add(new Check("balances consistent (opening - payments)", ledger.balanceMismatches() == 0,
                n(ledger.balanceMismatches()) + " of " + n(ledger.accounts()) + " accounts off"));
        checks.add(new Check("a retried request is never charged twice", buyers.retryAnomalies() == 0,
                n(buyers.retryAnomalies()) + " retries answered differently"));
        checks.add(new Check("every committed event reached Kafka (no loss)", relayedEvents == buyers.written(),
                n(relayedEvents) + " distinct events of " + n(buyers.written()) + " committed"));
        // The demo runs the connector exactly-once: a read_committed reader sees each outbox row once, also across its crash.
        checks.add(new Check("each outbox row once on Kafka (exactly-once connector)", relayResends == 0 && connectorDeadResent == 0,
                n(relayResends + connectorDeadResent) + " resent"));
        checks.add(new Check("one record per payment on " + DemoNames.CARD_TOPIC, forwarded == forwardedBizIds && forwardedBizIds == buyers.completed(),
                n(forwarded) + " records, " + n(forwardedBizIds) + " biz-ids, " + n(buyers.completed()) + " payments"));
        checks.add(new Check("every malformed row dead-lettered with a reason, none became a card", connectorDead == malformed,
                n(connectorDead) + " distinct of " + n(malformed) + " in " + DemoNames.CONNECTOR_DEAD_LETTER));

        this.latencyMs = latencies.percentilesMillis();
        double writeSeconds = timing.writeSeconds();
        double totalSeconds = timing.totalSeconds();
        this.throughput = String.format(Locale.ROOT, "%,.0f purchases/s offered over %.1f s; %,.0f cards/s end to end (%.1f s from"
                        + " first purchase to last card); measured after a warm-up of %,d purchases",
                (buyers.answered() - timing.warmUpPurchases()) / Math.max(0.001, writeSeconds), writeSeconds,
                (ledger.cards() - timing.warmUpCards()) / Math.max(0.001, totalSeconds), totalSeconds, timing.warmUpPurchases());
        if (buyers.errors() > 0) {
            notes.add(n(buyers.errors()) + " purchase calls failed with a database error and were retried with the same request id.");
        }
        if (cards.unreadable() > 0) {
            notes.add(n(cards.unreadable()) + " records on " + DemoNames.CARD_TOPIC + " had a payload the card service could not read.");
        }
        Map<String, Long> markers = new LinkedHashMap<>();
        for (Fault f : List.of(Fault.CONNECTOR_CRASH, Fault.DEDUP_CRASH, Fault.CARD_CRASH)) {
            if (faults.firstAtMillis(f) >= 0) {
                markers.put(f.option(), faults.firstAtMillis(f));
            }
        }
        this.chart = LatencyOverTimeChart.svg(latencies.samples(), markers);
    }

    /** Adds a line under the figures (for example a stage that did not stop cleanly). */
    public void note(String note) {
        notes.add(note);
    }

    /** Whether every check holds: the demo's exit code is 0 exactly then. */
    public boolean holds() {
        return checks.stream().allMatch(Check::holds);
    }

    /** The checks. */
    public List<Check> checks() {
        return List.copyOf(checks);
    }

    /** How often each enabled fault fired. */
    public Map<Fault, Long> fired() {
        return Map.copyOf(fired);
    }

    /** Duplicates made anywhere: client retries, business resends, connector resends, redeliveries to the card service. */
    public long duplicatesCreated() {
        return duplicatesCreated;
    }

    /** The report as printed at the end of a run. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("\nOnce membership demo: ").append(settings).append("\n\n");
        int[] width = {5, 2, 18, 18, 3};
        for (LayerRow r : layers) {
            String[] cells = {r.stage(), r.in(), r.created(), r.removed(), r.out()};
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        String row = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %s%n";
        out.append(String.format(Locale.ROOT, row, "stage", "in", "duplicates created", "duplicates removed", "out"));
        for (LayerRow r : layers) {
            out.append(String.format(Locale.ROOT, row, r.stage(), r.in(), r.created(), r.removed(), r.out()));
        }
        if (!faultLines.isEmpty()) {
            out.append("\nFaults injected\n");
            faultLines.forEach(l -> out.append("  ").append(l).append('\n'));
        }
        out.append("\nThroughput  ").append(throughput).append('\n');
        out.append(String.format(Locale.ROOT, "Latency     payment commit -> card commit: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                latencyMs[0], latencyMs[1], latencyMs[2], latencyMs[3]));
        notes.forEach(n -> out.append("Note        ").append(n).append('\n'));
        out.append("\nVerdict\n");
        for (Check c : checks) {
            out.append(String.format(Locale.ROOT, "  [%s] %-62s %s%n", c.holds() ? "ok" : "FAILED", c.claim(), c.evidence()));
        }
        out.append(holds() ? "\nHOLDS: every payment got exactly one card.\n" : "\nBROKEN: see the FAILED lines above.\n");
        return out.toString();
    }

    // The report as Markdown, referring to latency.svg beside it.
    private String markdown() {
        StringBuilder md = new StringBuilder("# Once membership demo\n\n").append(settings).append(".\n\n");
        md.append("## Where duplicates were made, and where they were removed\n\n| stage | in | duplicates created | duplicates removed | out |\n|---|---|---|---|---|\n");
        for (LayerRow r : layers) {
            md.append("| ").append(String.join(" | ", r.stage(), r.in(), r.created(), r.removed(), r.out())).append(" |\n");
        }
        if (!faultLines.isEmpty()) {
            md.append("\n## Faults injected\n\n```\n");
            faultLines.forEach(l -> md.append(l).append('\n'));
            md.append("```\n");
        }
        md.append("\n## Throughput and latency\n\n").append(throughput).append(".\n\n");
        md.append(String.format(Locale.ROOT, "| payment commit -> card commit | p50 | p95 | p99 | max |%n|---|---:|---:|---:|---:|%n| ms | %.0f | %.0f | %.0f | %.0f |%n%n",
                latencyMs[0], latencyMs[1], latencyMs[2], latencyMs[3]));
        md.append("![latency over the run](latency.svg)\n\n");
        notes.forEach(n -> md.append("- ").append(n).append('\n'));
        md.append("\n## Verdict: ").append(holds() ? "HOLDS" : "BROKEN").append("\n\n| check | result | figures |\n|---|---|---|\n");
        for (Check c : checks) {
            md.append("| ").append(c.claim()).append(" | ").append(c.holds() ? "ok" : "**FAILED**").append(" | ").append(c.evidence()).append(" |\n");
        }
        return md.toString();
    }

    /** Writes {@code report.md} and {@code latency.svg} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown());
        Files.writeString(dir.resolve("latency.svg"), chart);
    }

    private static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}

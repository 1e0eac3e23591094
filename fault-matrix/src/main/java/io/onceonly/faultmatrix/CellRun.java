package io.onceonly.faultmatrix;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.driver.Buyers;
import io.onceonly.demo.membership.driver.Fault;
import io.onceonly.demo.membership.driver.FaultLog;
import io.onceonly.demo.membership.payment.PaymentSchema;
import io.onceonly.demo.membership.pipeline.DemoFootprint;
import io.onceonly.demo.membership.pipeline.Settling;
import io.onceonly.demo.membership.report.Check;
import io.onceonly.demo.membership.report.Ledger;
import io.onceonly.demo.membership.report.TopicTally;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.Await;
import io.onceonly.stack.DataDirectories;

/**
 * One cell: a clean state, the deployment started, a warm-up through the whole pipeline, then the
 * measured load with the cell's fault a third of the way in, the drain, and the verdict.
 */
final class CellRun {

    private static final Duration DRAIN = Duration.ofSeconds(300);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final double FAULT_AT = 1.0 / 3;
    // A card later than this after its payment is "delayed by the fault": three times the median before
    // the fault, at least a second (the p99 of a loaded 2-core machine swings too much to be the yardstick).
    private static final long MIN_NORMAL_MS = 1_000;
    private static final long LOAD_AFTER_FAULT_MS = 5_000;
    private static final long OPENING_BALANCE = 100_000_000;

    private final Servers servers;
    private final MatrixOptions options;
    private final PrintStream out;

    CellRun(Servers servers, MatrixOptions options, PrintStream out) {
        this.servers = servers;
        this.options = options;
        this.out = out;
    }

    CellResult run(Cell cell, Path dir) throws Exception {
        prepare(dir);
        DataSource db = servers.infra().dataSource();
        DemoFootprint footprint = new DemoFootprint(servers.infra());
        footprint.remove();
        footprint.createTopics();
        try (Connection c = db.getConnection()) {
            PaymentSchema.install(c);
            CardSchema.install(c);
        }
        List<String> topicsRead = List.of(DemoNames.PAYMENT_TOPIC, DemoNames.CARD_TOPIC, DemoNames.DUPLICATES_TOPIC,
                DemoNames.CONNECTOR_DEAD_LETTER, DemoNames.DEDUP_DEAD_LETTER);
        out.printf("%n[%s] %s%n", cell.id(), cell.description());
        try (RelayProxies proxies = cell.proxied() ? RelayProxies.start(servers) : null;
             Deployment deployment = Deployment.start(servers.infra(), dir, cell, proxies == null ? Map.of() : proxies.connectorOptions());
             TopicTally topics = new TopicTally(servers.infra().kafkaClient(), topicsRead).start()) {
            FaultLog duplicates = new FaultLog(EnumSet.of(Fault.CLIENT_RETRY, Fault.BUSINESS_RESEND));
            // Money for as long as the fault keeps the load going: refused purchases write no events and would let the
            // pipeline idle through the rest of the fault (the first all-at-once runs did, a card kill then waited in vain).
            Buyers buyers = new Buyers(deployment.payments(), options.events(), options.clients(), options.rate(), options.seed(),
                    duplicates, id -> { }, OPENING_BALANCE);
            buyers.openAccounts();
            int warmUp = Math.max(1, Math.min(2_000, options.events() / 5));
            buyers.warmUp(warmUp);
            Await.until("a card for each warm-up payment (see the logs in " + dir + ")", Deployment.START,
                    () -> cards(db) >= buyers.completed(), () -> buyers.completed() + " payments");

            long start = System.currentTimeMillis();
            duplicates.startClock(System.nanoTime());
            // The load goes on until the fault is over and then some: a fault longer than the rest of the load
            // (a rolling restart, a cut, the all cell) still happens under a steady load.
            AtomicLong faultOver = new AtomicLong();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try {
                    buyers.runUntil(() -> faultOver.get() > 0 && System.currentTimeMillis() - faultOver.get() > LOAD_AFTER_FAULT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            });
            long faultPoint = warmUp + (long) ((options.events() - warmUp) * FAULT_AT);
            Await.until("the load reaching the fault point", DRAIN, () -> buyers.answered() >= faultPoint || load.isDone());
            long faultAt = System.currentTimeMillis();
            out.printf("  fault at %.1f s: %s%n", (faultAt - start) / 1000.0, cell.description());
            String happened;
            try {
                happened = new FaultInjection(servers, deployment, options.outage(), proxies, new Random(options.seed()), out)
                        .inject(cell);
            } finally {
                faultOver.set(System.currentTimeMillis());
            }
            out.printf("  %s (%.1f s)%n", happened, (System.currentTimeMillis() - faultAt) / 1000.0);
            try {
                load.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the load failed: " + e.getCause().getMessage(), e.getCause());
            }
            List<String> notes = new ArrayList<>();
            String drain = awaitDrained(db, buyers, topics);
            if (!drain.isEmpty()) {
                notes.add(drain);
            }
            long drainedAt = System.currentTimeMillis();
            long cardClaimRefused = deployment.cardClaimRefused();
            String stop = deployment.stop();
            if (!stop.isEmpty()) {
                notes.add("stages did not stop cleanly on SIGTERM: " + stop);
            }
            Ledger ledger = Ledger.read(db);
            LatencySamples latency = LatencySamples.read(db);
            long[] before = latency.latencies(start, faultAt);
            long normal = Math.max(MIN_NORMAL_MS, 3 * (long) LatencySamples.quantile(before, 0.50));
            long caughtUp = latency.caughtUpAt(faultAt, normal);
            long[] during = latency.latencies(faultAt, Math.max(caughtUp, faultAt + 1));
            long[] all = latency.latencies(start, Long.MAX_VALUE);
            long relayed = topics.records(DemoNames.PAYMENT_TOPIC);
            long lostOnKafka = Math.max(0, ledger.payments() - topics.bizIds(DemoNames.PAYMENT_TOPIC));
            boolean drained = drain.isEmpty();
            List<Check> checks = List.of(
                    new Check("charges == cards == distinct successful purchases", ledger.payments() == ledger.cards()
                            && ledger.cards() == buyers.completed(), ledger.payments() + " == " + ledger.cards() + " == " + buyers.completed()),
                    new Check("no event lost on Kafka", lostOnKafka == 0, lostOnKafka + " payments without their event on the topic"),
                    new Check("no payment without its card", ledger.paymentsWithoutCard() == 0, ledger.paymentsWithoutCard() + " without"),
                    new Check("no second card for one payment", ledger.secondCards() == 0, ledger.secondCards() + " payments with two or more"),
                    new Check("no card without a payment", ledger.cardsWithoutPayment() == 0, ledger.cardsWithoutPayment() + " orphan cards"),
                    new Check("caught up after the fault", drained, drained ? String.format("%.1f s after it began", (caughtUp - faultAt) / 1000.0)
                            : drain));
            CellResult result = new CellResult(cell.id(), cell.description(), happened, buyers.answered(), ledger.payments(),
                    ledger.cards(), duplicates.count(Fault.CLIENT_RETRY), buyers.resends(),
                    relayed - topics.eventIds(DemoNames.PAYMENT_TOPIC), topics.records(DemoNames.DUPLICATES_TOPIC), cardClaimRefused,
                    lostOnKafka, ledger.paymentsWithoutCard(), ledger.secondCards(), (faultAt - start) / 1000.0,
                    LatencySamples.quantile(before, 0.50), drained ? (caughtUp - faultAt) / 1000.0 : -1, LatencySamples.quantile(during, 0.99),
                    LatencySamples.quantile(all, 0.50), LatencySamples.quantile(all, 0.99), (drainedAt - start) / 1000.0, checks, notes);
            MatrixReport.writeChart(dir.resolve("latency.svg"), latency.chartSince(start), cell.id(), faultAt - start);
            return result;
        }
    }

    // Done when every payment has its card, every event reached the topic, and nothing moved for SETTLE.
    private String awaitDrained(DataSource db, Buyers buyers, TopicTally topics) {
        String last = Settling.await(DRAIN, SETTLE, () -> {
            long payments = count(db, DemoNames.PAYMENT_SCHEMA + ".payment");
            long cards = cards(db);
            String state = payments + "/" + topics.eventIds(DemoNames.PAYMENT_TOPIC) + "/" + topics.records(DemoNames.CARD_TOPIC) + "/" + cards;
            return new Settling.Look(state, topics.eventIds(DemoNames.PAYMENT_TOPIC) >= buyers.written() && cards >= payments);
        });
        return last == null ? "" : "not caught up " + DRAIN.toSeconds() + " s after the load ended (payments/events relayed/forwarded/"
                + "paid cards: " + last + "); see the stages' logs";
    }

    private static long cards(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(distinct payment_id) from " + CardSchema.CARD)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void prepare(Path dir) throws IOException {
        DataDirectories.delete(dir);
        Files.createDirectories(dir);
    }
}

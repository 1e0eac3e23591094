package io.onceonly.demo.membership;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.onceonly.demo.membership.card.CardIssuingService;
import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.driver.Buyers;
import io.onceonly.demo.membership.driver.Counts;
import io.onceonly.demo.membership.driver.Fault;
import io.onceonly.demo.membership.driver.FaultInjector;
import io.onceonly.demo.membership.driver.FaultLog;
import io.onceonly.demo.membership.driver.Progress;
import io.onceonly.demo.membership.payment.PaymentSchema;
import io.onceonly.demo.membership.payment.PaymentService;
import io.onceonly.demo.membership.pipeline.DemoFootprint;
import io.onceonly.demo.membership.pipeline.Infrastructure;
import io.onceonly.demo.membership.pipeline.Pipeline;
import io.onceonly.demo.membership.pipeline.Settling;
import io.onceonly.demo.membership.report.DemoReport;
import io.onceonly.demo.membership.report.LatencyRecorder;
import io.onceonly.demo.membership.report.Ledger;
import io.onceonly.demo.membership.report.TopicTally;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.stack.Await;
import io.onceonly.stack.DataDirectories;

/**
 * {@code java -jar demo-membership.jar}: pay once, get exactly one card. Starts Kafka and
 * PostgreSQL (embedded unless told otherwise), the relay and the dedup app as their own JVMs, the
 * payment and card services, and buyers; breaks things on purpose; ends with a report and a
 * verdict. Exit code 0 exactly when the verdict holds.
 */
public final class MembershipDemo {

    private static final Duration STAGE_START = Duration.ofSeconds(120);
    private static final Duration DRAIN = Duration.ofSeconds(180);
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private MembershipDemo() {
    }

    /**
     * The demo, or with a first argument {@code payment-service} or {@code card-service} one of
     * its services as a deployable app, as {@link MembershipServices} runs them (kept here so that
     * this jar alone still runs them).
     */
    public static void main(String[] args) {
        if (args.length > 0 && MembershipServices.names(args[0])) {
            System.exit(MembershipServices.run(args, System.err));
        }
        System.exit(exitCode(args, System.out, System.err));
    }

    /** Runs the demo from its command line; 0 when the verdict holds, 1 when not (or the run failed), 2 for a usage error. */
    public static int exitCode(String[] args, PrintStream out, PrintStream err) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("Usage error: " + e.getMessage());
            return 2;
        }
        options.deprecations().forEach(err::println);
        if (options.help()) {
            out.print(DemoOptions.USAGE);
            return 0;
        }
        // Before the first logger exists: the demo's own log goes beside its report, the console stays readable.
        System.setProperty("once.demo.log.dir", options.reportDir().toAbsolutePath().toString());
        try {
            return run(options, out).holds() ? 0 : 1;
        } catch (RuntimeException | SQLException | IOException e) {
            // What the user can act on, without a stack trace; the whole story is in demo.log.
            err.println("\nThe demo could not run: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("\nInterrupted.");
            return 1;
        }
    }

    /**
     * Runs the demo and returns its report (already printed to {@code out} and written to the report directory).
     *
     * @throws IllegalStateException when the servers or a stage cannot be started; the message says which and why
     */
    public static DemoReport run(DemoOptions options, PrintStream out) throws SQLException, IOException, InterruptedException {
        Path workDir = options.reportDir().toAbsolutePath();
        prepare(workDir);
        out.println(options.embedded() ? "Starting Kafka (KRaft) and PostgreSQL 17 from Maven artifacts..."
                : "Using Kafka at " + options.bootstrapServers() + " and PostgreSQL at " + options.databaseUrl());
        try (Infrastructure infra = options.embedded() ? Infrastructure.startEmbedded()
                : Infrastructure.external(options.kafkaClient(), options.databaseUrl(), options.databaseUser(),
                        options.databasePassword())) {
            DemoFootprint footprint = new DemoFootprint(infra);
            if (!options.embedded()) {
                clearEarlierRun(footprint, options, out);
            }
            footprint.createTopics();
            try (Connection c = infra.dataSource().getConnection()) {
                PaymentSchema.install(c);
                CardSchema.install(c);
            }
            DemoReport report = runOn(infra, options, workDir, out);
            if (!options.embedded()) {
                footprint.dropSlot();
                out.println("Dropped replication slot " + DemoNames.SLOT + " so that it holds no WAL on your server;"
                        + " the schemas and topics stay for you to inspect (--reset removes them).");
            }
            return report;
        } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static DemoReport runOn(Infrastructure infra, DemoOptions options, Path workDir, PrintStream out)
            throws SQLException, IOException, InterruptedException {
        PaymentService payments = new PaymentService(infra.dataSource());
        out.println("Starting the connector (active and standby, exactly-once) and the dedup app, each in its own JVM (logs in "
                + workDir + ": " + String.join(", ", Pipeline.CONNECTOR_LOGS) + ", " + Pipeline.DEDUP_LOG + ")...");
        Pipeline pipeline = Pipeline.create(infra, workDir);
        // Ctrl-C: no orphaned stage JVMs, and the embedded servers' data directories go too.
        Thread killChildren = new Thread(() -> {
            pipeline.close();
            try {
                infra.close();
            } catch (Exception e) {
                // the JVM is exiting: nothing left to tell
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(killChildren);
        List<String> topicsRead = List.of(DemoNames.PAYMENT_TOPIC, DemoNames.CARD_TOPIC, DemoNames.DUPLICATES_TOPIC,
                DemoNames.CONNECTOR_DEAD_LETTER, DemoNames.DEDUP_DEAD_LETTER);
        try (pipeline; TopicTally topics = new TopicTally(infra.kafkaClient(), topicsRead).start()) {
            pipeline.start(STAGE_START);
            FaultLog faults = new FaultLog(options.faults());
            LatencyRecorder latencies = new LatencyRecorder();
            Buyers buyers = new Buyers(payments, options.events(), options.clients(), options.rate(), options.seed(), faults,
                    latencies::paymentCommitted);
            buyers.openAccounts();
            CardIssuingService cards = new CardIssuingService(infra.dataSource(), infra.kafkaClient(),
                    DemoNames.CARD_TOPIC, latencies::cardsCommitted);
            Supplier<Counts> counts = () -> new Counts(buyers.answered(), buyers.written(), topics.records(DemoNames.PAYMENT_TOPIC),
                    topics.records(DemoNames.CARD_TOPIC), cards.issued());
            out.printf("Buying %,d membership cards with %d buyers; faults: %s%n", options.events(), options.clients(),
                    options.faults().isEmpty() ? "none" : options.faults().stream().map(Fault::option).toList());
            double writeSeconds;
            double totalSeconds;
            String drainTrouble;
            long start;
            int warmedUp;
            long warmUpCards;
            try (cards; Progress progress = new Progress(out, counts, faults, options.events())) {
                cards.start();
                warmedUp = warmUp(buyers, cards, options.events(), out);
                warmUpCards = cards.issued();
                FaultInjector injector = new FaultInjector(faults, pipeline, cards, infra.dataSource(), counts,
                        options.events() - warmedUp);
                start = System.nanoTime();
                faults.startClock(start);
                latencies.startClock(start);
                progress.start();
                try (injector) {
                    injector.start();
                    buyers.run();
                    writeSeconds = (System.nanoTime() - start) / 1e9;
                    drainTrouble = awaitDrained(buyers, faults, topics, cards);
                    totalSeconds = (System.nanoTime() - start) / 1e9;
                }
            }
            String stopTrouble = pipeline.stop();
            Runtime.getRuntime().removeShutdownHook(killChildren);
            DemoReport report = new DemoReport(options, buyers, faults, topics, cards, Ledger.read(infra.dataSource()), latencies,
                    new DemoReport.Timing(warmedUp, warmUpCards, writeSeconds, totalSeconds));
            if (!drainTrouble.isEmpty()) {
                report.note(drainTrouble);
            }
            if (!stopTrouble.isEmpty()) {
                report.note("stages did not stop cleanly on SIGTERM: " + stopTrouble);
            }
            report.write(workDir);
            out.print(report.text());
            out.println("Report: " + workDir.resolve("report.md") + " (chart: latency.svg)");
            return report;
        }
    }

    // The stage JVMs are fresh and compile for their first seconds: a fifth of the purchases (at most
    // 2,000) go through the whole pipeline before the clock and the faults start.
    private static int warmUp(Buyers buyers, CardIssuingService cards, int events, PrintStream out) throws InterruptedException {
        int count = Math.max(1, Math.min(2_000, events / 5));
        long started = System.nanoTime();
        buyers.warmUp(count);
        Await.until("a card for each of the warm-up's payments (else the pipeline does not carry events; see " + String.join(", ", Pipeline.CONNECTOR_LOGS) + " and " + Pipeline.DEDUP_LOG + ")",
                STAGE_START, () -> cards.issued() >= buyers.completed(),
                () -> buyers.completed() + " payments, " + cards.issued() + " cards");
        out.printf("Warm-up: %,d purchases through the whole pipeline in %,d ms (the fresh JVMs compile meanwhile);"
                + " the clock and the faults start now.%n", count, (System.nanoTime() - started) / 1_000_000);
        return count;
    }

    // Done when every layer has accounted for everything upstream of it, and nothing moved for SETTLE.
    private static String awaitDrained(Buyers buyers, FaultLog faults, TopicTally topics, CardIssuingService cards) {
        String last = Settling.await(DRAIN, SETTLE, () -> {
            long relayed = topics.records(DemoNames.PAYMENT_TOPIC);
            String state = relayed + "/" + topics.records(DemoNames.CARD_TOPIC) + "/" + topics.records(DemoNames.DUPLICATES_TOPIC)
                    + "/" + cards.issued() + "/" + cards.delivered();
            boolean accounted = topics.eventIds(DemoNames.PAYMENT_TOPIC) >= buyers.written()
                    && topics.eventIds(DemoNames.CONNECTOR_DEAD_LETTER) >= faults.count(Fault.MALFORMED_ROWS)
                    && topics.records(DemoNames.CARD_TOPIC) + topics.records(DemoNames.DUPLICATES_TOPIC)
                            + topics.records(DemoNames.DEDUP_DEAD_LETTER) >= relayed
                    && cards.issued() >= buyers.completed();
            return new Settling.Look(state, accounted);
        });
        if (last == null) {
            return "";
        }
        return "the pipeline had not caught up " + DRAIN.toSeconds() + " s after the last purchase (relayed/forwarded/"
                + "duplicates/cards/deliveries: " + last + "); see the stages' logs";
    }

    private static void clearEarlierRun(DemoFootprint footprint, DemoOptions options, PrintStream out) throws SQLException {
        List<String> leftovers = footprint.leftovers();
        if (leftovers.isEmpty()) {
            return;
        }
        if (!options.reset()) {
            throw new IllegalStateException("an earlier demo run left " + String.join(", ", leftovers) + " on your servers;"
                    + " run again with --reset to remove them first (they hold nothing but demo data)");
        }
        out.println("Removing an earlier run's " + String.join(", ", leftovers));
        footprint.remove();
    }

    // The dedup state of an earlier run belongs to a Kafka cluster that is gone (embedded) or reset.
    private static void prepare(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        DataDirectories.delete(workDir.resolve("dedup-state"));
        for (String log : Pipeline.CONNECTOR_LOGS) {
            Files.deleteIfExists(workDir.resolve(log));
        }
        Files.deleteIfExists(workDir.resolve(Pipeline.DEDUP_LOG));
    }
}

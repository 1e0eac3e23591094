package io.onceonly.demo.membership.driver;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.demo.membership.card.CardIssuingService;
import io.onceonly.demo.membership.pipeline.Pipeline;
import io.onceonly.demo.membership.pipeline.StageProcess;

/**
 * Breaks the pipeline on purpose while it runs. Each crash is triggered by progress, not by a
 * clock, and only while its stage is visibly moving records, so that it lands mid-stream: the
 * active connector instance at 30% of the (measured) events relayed (the standby takes over, the
 * killed one restarts as the new standby), the dedup app at 50% forwarded, the card service at 60% of
 * the cards; malformed rows go in at 20% and 60% written.
 */
public final class FaultInjector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    private static final Duration ROLE_TIMEOUT = Duration.ofSeconds(60);

    private final FaultLog log;
    private final Pipeline pipeline;
    private final CardIssuingService cards;
    private final DataSource db;
    private final Supplier<Counts> counts;
    private final long events;
    private final Thread thread;
    private volatile boolean running = true;
    private int malformedBatches;
    private boolean relayKilled;
    private volatile Thread takeover;
    private volatile double takeoverSeconds = Double.NaN;
    private boolean dedupKilled;
    private boolean cardCrashArmed;
    private long seenCardCrashes;
    private Counts last = new Counts(0, 0, 0, 0, 0);
    private Counts baseline = new Counts(0, 0, 0, 0, 0);

    public FaultInjector(FaultLog log, Pipeline pipeline, CardIssuingService cards, DataSource db, Supplier<Counts> counts,
                         long events) {
        this.log = log;
        this.pipeline = pipeline;
        this.cards = cards;
        this.db = db;
        this.counts = counts;
        this.events = events;
        this.thread = new Thread(this::run, "fault-injector");
    }

    /** Starts watching progress; thresholds count from what the counts are now (after a warm-up). */
    public FaultInjector start() {
        baseline = counts.get();
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                tick(counts.get());
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.error("fault injection failed: {}", e.toString(), e);
            }
        }
    }

    private void tick(Counts total) throws SQLException {
        Counts now = new Counts(total.purchases() - baseline.purchases(), total.written() - baseline.written(),
                total.relayed() - baseline.relayed(), total.forwarded() - baseline.forwarded(), total.cards() - baseline.cards());
        if (log.enabled(Fault.MALFORMED_ROWS) && malformedBatches < 2 && now.written() >= events * (malformedBatches == 0 ? 0.2 : 0.6)) {
            MalformedRows.insert(db, ++malformedBatches);
            log.fired(Fault.MALFORMED_ROWS, MalformedRows.PER_BATCH);
        }
        if (log.enabled(Fault.CONNECTOR_CRASH) && !relayKilled && now.relayed() >= events * 0.3 && now.relayed() > last.relayed()) {
            relayKilled = true;
            crashActiveConnector(now.relayed() + " records relayed, " + now.written() + " events written");
        }
        if (log.enabled(Fault.DEDUP_CRASH) && !dedupKilled && now.forwarded() >= events * 0.5 && now.forwarded() > last.forwarded()) {
            dedupKilled = true;
            crash(pipeline.dedup(), Fault.DEDUP_CRASH, now.forwarded() + " forwarded of " + now.relayed() + " relayed");
        }
        if (log.enabled(Fault.CARD_CRASH) && !cardCrashArmed && now.cards() >= events * 0.6) {
            cardCrashArmed = true;
            cards.crashBeforeNextOffsetCommit();
        }
        long crashes = cards.crashes();
        if (crashes > seenCardCrashes) {
            log.fired(Fault.CARD_CRASH, crashes - seenCardCrashes);
            seenCardCrashes = crashes;
        }
        last = now;
    }

    // The standby's takeover is timed on its own thread, so that the other faults keep their moments meanwhile.
    private void crashActiveConnector(String at) {
        StageProcess active;
        try {
            active = pipeline.activeConnector(ROLE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        StageProcess standby = pipeline.connectors().stream().filter(c -> c != active).findFirst().orElseThrow();
        long killed = System.nanoTime();
        active.kill();
        log.fired(Fault.CONNECTOR_CRASH, 1);
        LOG.info("fault: the active connector ({}) killed at {}; {} should take over", active.name(), at, standby.name());
        takeover = new Thread(() -> {
            try {
                double seconds = Pipeline.awaitRelaying(standby, killed, ROLE_TIMEOUT);
                log.note(Fault.CONNECTOR_CRASH, "SIGKILL of the active instance at " + at + "; " + (seconds < 0
                        ? "the standby did not relay within " + ROLE_TIMEOUT.toSeconds() + " s"
                        : String.format(Locale.ROOT, "the standby relayed again %.1f s later (takeover)", seconds)));
                takeoverSeconds = seconds;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Restarted, the killed instance finds the slot held and is the standby now.
            active.start();
        }, "connector-takeover");
        takeover.start();
    }

    /** Seconds from the active connector's SIGKILL to the standby's first record, NaN before, -1 if it did not. */
    public double takeoverSeconds() {
        return takeoverSeconds;
    }

    private void crash(StageProcess stage, Fault fault, String at) {
        stage.kill();
        log.fired(fault, 1);
        log.note(fault, "SIGKILL at " + at);
        LOG.info("fault: {} killed at {}; restarting it", fault.option(), at);
        stage.start();
    }

    /** Stops watching; a card crash armed but not yet happened is still counted when it happens before this. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        Thread watching = takeover;
        if (watching != null) {
            watching.join(ROLE_TIMEOUT.toMillis() + 10_000);
        }
        long crashes = cards.crashes();
        if (crashes > seenCardCrashes) {
            log.fired(Fault.CARD_CRASH, crashes - seenCardCrashes);
            seenCardCrashes = crashes;
        }
    }
}

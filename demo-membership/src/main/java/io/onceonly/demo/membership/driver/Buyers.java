package io.onceonly.demo.membership.driver;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import io.onceonly.demo.membership.payment.Payments;
import io.onceonly.demo.membership.payment.Purchase;

/**
 * Concurrent customers buying membership cards: {@code events} purchase requests spread over
 * {@code clients} threads at an offered rate, each with its own request id. With the client-retry
 * and business-resend faults on, some requests are sent twice and some payments published twice.
 */
public final class Buyers {

    /** Card types and their prices in cents. */
    static final String[] CARD_TYPES = {"silver", "gold", "platinum"};
    static final long[] PRICES = {1_900, 4_900, 9_900};
    /** Each account can pay for about ten cards, buyers make eight on average: busy buyers' last purchases are refused. */
    static final long OPENING_BALANCE = 60_000;
    private static final double RETRY_SHARE = 0.03;
    private static final double RESEND_SHARE = 0.02;
    // Retried for about 45 s: long enough for a database or a payment service restart, short enough to end a run that cannot go on.
    private static final int ATTEMPTS = 30;

    private final Payments payments;
    private final int events;
    private final int clients;
    private final int rate;
    private final long seed;
    private final FaultLog faults;
    private final Consumer<UUID> onCommitted;
    private final int accounts;
    private final long openingBalance;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong retryAnomalies = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Set<UUID> charged = ConcurrentHashMap.newKeySet();
    private volatile long startNanos;
    private volatile boolean measuring;
    private volatile int firstIndex;

    /**
     * @param rate purchase requests per second over all clients; 0 for as fast as they go
     * @param onCommitted told each payment id right after its transaction committed
     */
    public Buyers(Payments payments, int events, int clients, int rate, long seed, FaultLog faults, Consumer<UUID> onCommitted) {
        this(payments, events, clients, rate, seed, faults, onCommitted, OPENING_BALANCE);
    }

    /**
     * As the other constructor, with each account opened with {@code openingBalance} cents: a load that
     * goes on past {@code events} ({@link #runUntil}) needs money for it, or every purchase past the
     * accounts' means is refused and no event is written any more.
     */
    public Buyers(Payments payments, int events, int clients, int rate, long seed, FaultLog faults, Consumer<UUID> onCommitted,
                  long openingBalance) {
        this.payments = payments;
        this.events = events;
        this.clients = clients;
        this.rate = rate;
        this.seed = seed;
        this.faults = faults;
        this.onCommitted = onCommitted;
        this.accounts = Math.max(4, events / 8);
        this.openingBalance = openingBalance;
    }

    /** Opens the buyers' accounts. */
    public void openAccounts() throws SQLException, IOException {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            users.add(user(i));
        }
        payments.openAccounts(users, openingBalance);
    }

    /**
     * Sends the first {@code count} purchase requests at the offered rate, before the clock and
     * the faults start. The stage JVMs are fresh and spend their first seconds compiling: with no
     * fault, payment-to-card p50 fell from about 3 s to 40 ms over the first 10 s of a 1,000/s run.
     * These purchases count in the verdict, not in the latency.
     */
    public void warmUp(int count) throws InterruptedException {
        if (next.get() != 0) {
            throw new IllegalStateException("warmUp() comes before run()");
        }
        int until = Math.min(count, events);
        send(i -> i < until, false);
        // A buyer took an index after the warm-up's last: the measured phase starts there.
        next.set(Math.max(firstIndex, Math.min(next.get(), until)));
    }

    /** Sends the remaining purchase requests, measured; returns when all were answered. */
    public void run() throws InterruptedException {
        send(i -> i < events, true);
    }

    /**
     * Sends the remaining purchase requests, measured, and goes on sending at the same rate, past
     * {@code events} if need be, until {@code done} says so: the load stays steady for as long as a
     * fault lasts. Past {@code events} the accounts need a larger opening balance (see the constructor).
     */
    public void runUntil(BooleanSupplier done) throws InterruptedException {
        send(i -> i < events || !done.getAsBoolean(), true);
    }

    private void send(IntPredicate more, boolean measured) throws InterruptedException {
        measuring = measured;
        firstIndex = next.get();
        startNanos = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, "buyer"));
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); more.test(i); i = next.getAndIncrement()) {
                    pace(i);
                    buy(i);
                }
                return null;
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            pool.shutdownNow();
            throw new IllegalStateException("a buyer failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    // Open loop: request i of a phase is due at its start + (i - first) / rate, whatever the answers to earlier ones took.
    private void pace(int i) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = startNanos + (long) ((i - firstIndex) * (1_000_000_000.0 / rate));
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private void buy(int i) throws SQLException, IOException, InterruptedException {
        Random random = new Random(seed * 1_000_003L + i);
        String requestId = "req-" + i;
        String user = user(random.nextInt(accounts));
        int type = random.nextInt(CARD_TYPES.length);
        boolean retry = random.nextDouble() < RETRY_SHARE;
        boolean resend = random.nextDouble() < RESEND_SHARE;

        Purchase first = send(requestId, user, type);
        switch (first.outcome()) {
            case COMPLETED -> {
                completed.incrementAndGet();
                charged.add(first.paymentId());
                if (measuring) {
                    onCommitted.accept(first.paymentId());
                }
            }
            case REFUSED -> refused.incrementAndGet();
            case REPLAYED -> throw new IllegalStateException("request " + requestId + " was new but answered as a replay");
        }
        answered.incrementAndGet();
        if (retry && first.outcome() == Purchase.Outcome.COMPLETED && faults.enabled(Fault.CLIENT_RETRY)) {
            // The client never saw the answer (its timeout fired) and sends the same request again.
            Purchase again = send(requestId, user, type);
            faults.fired(Fault.CLIENT_RETRY, 1);
            if (again.outcome() == Purchase.Outcome.REPLAYED && again.paymentId().equals(first.paymentId())) {
                replayed.incrementAndGet();
            } else {
                retryAnomalies.incrementAndGet();
            }
        }
        if (resend && first.outcome() == Purchase.Outcome.COMPLETED && faults.enabled(Fault.BUSINESS_RESEND)) {
            if (publishAgain(first.paymentId())) {
                resends.incrementAndGet();
                faults.fired(Fault.BUSINESS_RESEND, 1);
            }
        }
    }

    // A failed call (a lost connection, a restarting database) is retried with the same request id,
    // which is exactly what makes the retry safe.
    private Purchase send(String requestId, String user, int type) throws SQLException, IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            requests.incrementAndGet();
            try {
                Purchase answer = payments.purchase(requestId, user, CARD_TYPES[type], PRICES[type]);
                if (attempt > 1 && answer.outcome() == Purchase.Outcome.REPLAYED) {
                    // The attempt that failed had gone through (its answer was lost: a timeout over HTTP while the
                    // service was slow): the payment is this request's, charged once, and the retry found it.
                    return new Purchase(Purchase.Outcome.COMPLETED, answer.paymentId(), null);
                }
                return answer;
            } catch (SQLException | IOException e) {
                errors.incrementAndGet();
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(Math.min(2_000, 100L * attempt));
            }
        }
    }

    // A resend that fails is not retried: the payment's first event is committed, and the fault is a
    // copy more or less. It counts when it was answered (one that failed late may still have committed:
    // the dedup stage drops it all the same, and the report's duplicate count is then one short).
    private boolean publishAgain(UUID paymentId) {
        try {
            payments.publishAgain(paymentId);
            return true;
        } catch (SQLException | IOException e) {
            errors.incrementAndGet();
            return false;
        }
    }

    private static String user(int n) {
        return "user-" + n;
    }

    /** Purchase calls made, retries included. */
    public long requests() {
        return requests.get();
    }

    /** Purchase requests answered (first calls). */
    public long answered() {
        return answered.get();
    }

    /** Distinct purchases that were charged. */
    public long completed() {
        return completed.get();
    }

    /** Purchases refused (insufficient balance). */
    public long refused() {
        return refused.get();
    }

    /** Retries answered with the first payment, not charged again. */
    public long replayed() {
        return replayed.get();
    }

    /** PaymentCompleted events published a second time. */
    public long resends() {
        return resends.get();
    }

    /** Retries that were not answered like the first call (a second charge, say): must stay 0. */
    public long retryAnomalies() {
        return retryAnomalies.get();
    }

    /** Calls that failed with a database error and were retried. */
    public long errors() {
        return errors.get();
    }

    /** Outbox events committed: payments plus business resends. */
    public long written() {
        return completed.get() + resends.get();
    }

    /** The ids of the payments that were charged. */
    public Set<UUID> payments() {
        return Set.copyOf(charged);
    }

    /** Number of accounts. */
    public int accounts() {
        return accounts;
    }
}

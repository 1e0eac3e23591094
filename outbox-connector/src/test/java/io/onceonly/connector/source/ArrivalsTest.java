package io.onceonly.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.QueueProvider;
import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;

class ArrivalsTest {

    @Test
    void aChangeQueuedBeforeTheWaitEndsItAtOnce() throws Exception {
        Arrivals arrivals = new Arrivals();
        arrivals.added();
        assertThat(arrivals.awaitFirst(60_000)).isTrue();
    }

    @Test
    void aWaitWithNothingQueuedEndsAtItsTimeoutAndSaysSo() throws Exception {
        Arrivals arrivals = new Arrivals();
        assertThat(arrivals.awaitFirst(30)).isFalse();
        arrivals.added();
        arrivals.removed();
        assertThat(arrivals.awaitFirst(30)).isFalse();
    }

    @Test
    void theFirstChangeWakesTheWaiter() throws Exception {
        Arrivals arrivals = new Arrivals();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return arrivals.awaitFirst(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();
        arrivals.added();
        // Far below the minute the wait would otherwise last; a lost wake-up fails here.
        assertThat(woken.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aStopEndsTheWaitWithNothingQueued() throws Exception {
        Arrivals arrivals = new Arrivals();
        CompletableFuture<Boolean> woken = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                woken.complete(arrivals.awaitFirst(60_000));
            } catch (InterruptedException e) {
                woken.completeExceptionally(e);
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        arrivals.stop();
        assertThat(woken.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(arrivals.awaitFirst(60_000)).isFalse();
    }

    @Test
    void theProviderCountsWhatItHoldsForItsEngineOnly() {
        String id = UUID.randomUUID().toString();
        ArrivalQueueProvider<String> provider = new ArrivalQueueProvider<>();
        provider.configure(Map.of(Arrivals.ID, id, "max.queue.size", "16"));
        Arrivals arrivals = Arrivals.registered(id);
        provider.enqueue("a");
        provider.enqueue("b");
        assertThat(arrivals.queued()).isEqualTo(2);
        assertThat(provider.poll()).isEqualTo("a");
        assertThat(provider.poll()).isEqualTo("b");
        assertThat(provider.poll()).isNull();
        assertThat(arrivals.queued()).isZero();
        assertThat(Arrivals.registered(UUID.randomUUID().toString())).isNull();
        // A restarted task gets a new queue: its count starts again, the old one is no longer found.
        ArrivalQueueProvider<String> restarted = new ArrivalQueueProvider<>();
        restarted.configure(Map.of(Arrivals.ID, id, "max.queue.size", "16"));
        assertThat(Arrivals.registered(id)).isNotSameAs(arrivals);
        Arrivals.forget(id, arrivals);
        assertThat(Arrivals.registered(id)).isNotNull();
    }

    @Test
    void theProviderChosenByHandWithoutTheConnectorsIdIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> new ArrivalQueueProvider<String>().configure(Map.of("max.queue.size", "16")))
                .hasMessageContaining("queue.provider.type=once-memory").hasMessageContaining(Arrivals.ID);
    }

    @Test
    void debeziumsPollParksThroughItsLastMillisecondInsteadOfLookingAgainAndAgain() throws Exception {
        long unpaced = looksAtTheQueue(false);
        long paced = looksAtTheQueue(true);
        // Unpaced, each poll looks thousands of times in its last millisecond; paced, about five times.
        assertThat(paced * 10).as("looks paced %d, unpaced %d", paced, unpaced).isLessThan(unpaced);
    }

    @Test
    void onlyThePollingThreadIsPacedNeverTheReaderThatAddsChanges() throws Exception {
        Arrivals arrivals = new Arrivals();
        arrivals.pollStarting(0);
        Thread.sleep(2);
        // 5,000 looks parked would take at least a second; unparked they take microseconds.
        CompletableFuture<Long> readerLooks = CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            for (int i = 0; i < 5_000; i++) {
                arrivals.pacePoll();
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        });
        assertThat(readerLooks.get(30, TimeUnit.SECONDS)).isLessThan(500);
        arrivals.pollEnded();
    }

    // How often 40 empty polls of Debezium's own queue (5 ms each) look at the queue's size.
    private static long looksAtTheQueue(boolean paced) throws InterruptedException {
        String id = UUID.randomUUID().toString();
        ArrivalQueueProvider<Sizeable> provider = new ArrivalQueueProvider<>();
        provider.configure(Map.of(Arrivals.ID, id, "max.queue.size", "100"));
        AtomicLong looks = new AtomicLong();
        QueueProvider<Sizeable> counting = new QueueProvider<>() {
            @Override
            public void enqueue(Sizeable event) {
                provider.enqueue(event);
            }

            @Override
            public Sizeable poll() {
                return provider.poll();
            }

            @Override
            public int size() {
                looks.incrementAndGet();
                return provider.size();
            }

            @Override
            public String name() {
                return "counting";
            }

            @Override
            public void configure(Map<String, ?> properties) {
            }
        };
        ChangeEventQueue<Sizeable> queue = new ChangeEventQueue.Builder<Sizeable>().pollInterval(Duration.ofMillis(5))
                .maxBatchSize(10).maxQueueSize(100).queueProvider(counting)
                .loggingContextSupplier(() -> LoggingContext.forConnector("test", "test", "test")).build();
        Arrivals arrivals = Arrivals.registered(id);
        for (int i = 0; i < 40; i++) {
            if (paced) {
                arrivals.pollStarting(5);
            }
            assertThat(queue.poll()).isEmpty();
            arrivals.pollEnded();
        }
        return looks.get();
    }
}

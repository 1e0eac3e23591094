package io.onceonly.connector.relay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * The at-least-once relay's window: up to {@code max} Debezium batches handed to Kafka and not yet
 * wholly acknowledged, so that the engine reads the next batch while Kafka acknowledges the last.
 *
 * <p>Offsets stay behind acknowledgements: a batch is marked processed (every record, then
 * {@code markBatchFinished}) only once it and every earlier batch were acknowledged, strictly in
 * batch order, under one lock, so that Debezium's committer (not thread-safe) is used by one
 * thread at a time and never by a producer's I/O thread. Two threads take that lock: the engine's,
 * at each batch (before it sends, and while the window is full), and one "tail" thread woken when a
 * batch's last answer arrives, because the engine calls the handler only with records, never on an
 * empty poll: without it the last batch before a quiet spell would stay unmarked.
 *
 * <p>Failures: once any record of the window was refused, nothing more is sent and nothing is
 * marked until {@link AcknowledgedSender#settle(List)} resent every refused record of the window, in
 * source order, and all were acknowledged (with the sender's pauses, producer renewals and
 * blockages). The idempotent producer keeps each partition's order within a producer session; a
 * replaced producer fails what it still held, which is then resent, in order, by its successor.
 */
final class InFlightBatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InFlightBatches.class);

    private final AcknowledgedSender sender;
    private final int max;
    private final Runnable committed;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final ArrayDeque<Batch> window = new ArrayDeque<>();
    private final ExecutorService tail;
    private volatile boolean tailCommits = true;
    private volatile Exception tailFailure;
    private volatile int unacknowledged;
    private volatile int batches;

    /** One batch of the window, with the committer that marks it. */
    private record Batch(List<RecordChangeEvent<SourceRecord>> events,
                         DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
                         AcknowledgedSender.Sent sent, RelayTracing.BatchSpans spans) {
    }

    /**
     * @param max the most batches unacknowledged at once, at least 2 (1 is the stop-and-wait relay)
     * @param committed run after each batch is marked processed
     */
    InFlightBatches(AcknowledgedSender sender, int max, Runnable committed) {
        if (max < 2) {
            throw new IllegalArgumentException("a window of " + max + " batches: use the stop-and-wait relay");
        }
        this.sender = sender;
        this.max = max;
        this.committed = committed;
        this.tail = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "once-relay-offsets");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Hands a batch to Kafka, on the engine's thread, and returns once at most {@code max - 1}
     * batches are unacknowledged; marks every batch acknowledged by then.
     *
     * @param events the batch as Debezium gave it, each one marked processed once the batch is acknowledged
     * @param outgoing what the batch sends, in order
     * @throws InterruptedException when the relay is stopping: what is unacknowledged stays unmarked
     */
    void relay(List<RecordChangeEvent<SourceRecord>> events, List<AcknowledgedSender.Outgoing> outgoing, RelayTracing.BatchSpans spans,
               DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Exception failed = tailFailure;
            if (failed != null) {
                tailFailure = null;
                throw new IllegalStateException("marking acknowledged batches processed failed: " + failed, failed);
            }
            // A refusal seen now is settled before anything more is sent: a later record must not overtake a resend.
            markAcknowledged();
            AcknowledgedSender.Sent sent;
            try {
                sent = sender.submit(outgoing, this::wake);
            } catch (InterruptedException | RuntimeException e) {
                spans.failed(e);
                throw e;
            }
            window.add(new Batch(events, committer, sent, spans));
            batches = window.size();
            unacknowledged += sent.size();
            markAcknowledged();
            // Once stopping, no thread marks behind this one: it waits for its batches itself, as the stop-and-wait relay does.
            while (window.size() >= (tailCommits ? max : 1)) {
                window.peek().sent().await();
                markAcknowledged();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks processed, in order, every leading batch that is acknowledged; settles the window first
     * when a record of it was refused (blocking, until all of it is acknowledged). Holds the lock.
     */
    private void markAcknowledged() throws InterruptedException {
        while (!window.isEmpty()) {
            if (anyFailed()) {
                settle();
                continue;
            }
            Batch head = window.peek();
            if (!head.sent().done()) {
                return;
            }
            mark(window.poll());
        }
    }

    private boolean anyFailed() {
        for (Batch batch : window) {
            if (batch.sent().failed()) {
                return true;
            }
        }
        return false;
    }

    private void settle() throws InterruptedException {
        List<AcknowledgedSender.Sent> sent = new ArrayList<>(window.size());
        for (Batch batch : window) {
            sent.add(batch.sent());
        }
        sender.settle(sent);
    }

    private void mark(Batch batch) throws InterruptedException {
        batches = window.size();
        unacknowledged -= batch.sent().size();
        batch.spans().acknowledged();
        for (RecordChangeEvent<SourceRecord> event : batch.events()) {
            batch.committer().markProcessed(event);
        }
        batch.committer().markBatchFinished();
        committed.run();
    }

    // On the thread that answered a batch's last record, often a producer I/O thread: only hands over.
    private void wake() {
        try {
            tail.execute(this::markWhenIdle);
        } catch (RejectedExecutionException e) {
            // Stopping: what is unmarked is relayed again after the restart.
        }
    }

    // The tail thread: waits while the engine's thread handles a batch (it marks what is acknowledged itself).
    private void markWhenIdle() {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            return;
        }
        try {
            if (tailCommits) {
                markAcknowledged();
            }
        } catch (InterruptedException e) {
            LOG.debug("stopping with {} records unacknowledged; they are relayed again after the restart", unacknowledged);
        } catch (RuntimeException e) {
            // The engine's thread throws it at the next batch, as it would have thrown it itself.
            LOG.warn("marking acknowledged batches processed failed: {}", e.toString());
            tailFailure = e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Before the engine stops: waits at most {@code bound} for the window's acknowledgements and
     * marks what they complete, in order, so that the engine's stop saves it; then marks nothing
     * more from the tail thread (the engine's own commit and stop follow). A refused record is not
     * resent now: it and everything after it stay unmarked and are relayed again after the restart.
     */
    void stopping(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            if (!lock.tryLock(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                // The engine's thread is waiting on Kafka with the lock; its batches stay unmarked.
                tailCommits = false;
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tailCommits = false;
            return;
        }
        try {
            while (!window.isEmpty() && !anyFailed() && window.peek().sent().await(deadline)) {
                if (window.peek().sent().failed()) {
                    break;
                }
                mark(window.poll());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("marking acknowledged batches processed at the stop failed: {}", e.toString());
        } finally {
            tailCommits = false;
            lock.unlock();
        }
    }

    /** Records handed to Kafka and not yet marked processed. */
    int unacknowledged() {
        return unacknowledged;
    }

    /** Batches handed to Kafka and not yet marked processed. */
    int batches() {
        return batches;
    }

    /** Stops the tail thread; call once the engine stopped. What is unmarked is relayed again after the restart. */
    @Override
    public void close() {
        tailCommits = false;
        tail.shutdownNow();
    }
}

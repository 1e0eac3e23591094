package io.onceonly.connector.source;

import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.config.ConfigurationDefaults;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;

/**
 * Debezium's PostgreSQL task, which waits for the first change when the outbox has been quiet for a
 * while instead of polling its queue every {@code poll.interval.ms}.
 *
 * <p>Why: each poll of Debezium's queue waits out {@code poll.interval.ms} and then busy-spins until
 * its millisecond clock passes the deadline (its timer counts whole milliseconds and waits only while
 * a whole one is left). With the connector's 10 ms poll interval that spin was most of the engine
 * thread's samples and about 8% of a core with nothing to relay (benchmarks/README.md, idle).
 *
 * <p>How: after {@value #EMPTY_POLLS_BEFORE_IDLE} empty polls in a row the task waits for
 * {@link Arrivals} to report a queued change, for at most {@value #IDLE_WAIT_MS} ms, and then polls
 * as Debezium would. While changes flow every poll is Debezium's own, and its spin through the last
 * millisecond becomes short parks ({@link Arrivals#pacePoll}). The first
 * change after a quiet stretch waits one poll interval in the queue (as before, up to one); a
 * failure of the reader still surfaces within {@value #IDLE_WAIT_MS} ms plus one poll, since only
 * Debezium's poll raises it.
 *
 * <p>At start it also has Debezium's lag behind the source measured on the reader thread instead of
 * a thread woken per change ({@link InlineLagMeasurement}), and Debezium's summary of the last change
 * rendered when read instead of at every change ({@link LastEventOnRead}).
 */
public class OutboxSourceTask extends PostgresConnectorTask {

    static final int EMPTY_POLLS_BEFORE_IDLE = 20;
    static final long IDLE_WAIT_MS = 200;

    private volatile String arrivalsId;
    private volatile Arrivals arrivals;
    private volatile long pollIntervalMs;
    private int emptyPolls;

    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
        arrivalsId = config.getString(Arrivals.ID);
        // Debezium's poll waits the poll interval, at most its 5 s of returning control.
        pollIntervalMs = Math.min(config.getLong(CommonConnectorConfig.POLL_INTERVAL_MS), ConfigurationDefaults.RETURN_CONTROL_INTERVAL.toMillis());
        ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator = super.start(config);
        InlineLagMeasurement.install(coordinator);
        LastEventOnRead.install(coordinator);
        // Null when debezium.queue.provider.type chose another queue: then every poll is Debezium's.
        arrivals = arrivalsId == null ? null : Arrivals.registered(arrivalsId);
        return coordinator;
    }

    @Override
    public List<SourceRecord> doPoll() throws InterruptedException {
        Arrivals a = arrivals;
        if (a != null && emptyPolls >= EMPTY_POLLS_BEFORE_IDLE && a.queued() == 0) {
            a.awaitFirst(IDLE_WAIT_MS);
        }
        List<SourceRecord> records;
        if (a == null) {
            records = super.doPoll();
        } else {
            a.pollStarting(pollIntervalMs);
            try {
                records = super.doPoll();
            } finally {
                a.pollEnded();
            }
        }
        emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
        return records;
    }

    @Override
    protected void doStop() {
        Arrivals a = arrivals;
        if (a != null) {
            a.stop();
            Arrivals.forget(arrivalsId, a);
        }
        super.doStop();
    }
}

package io.onceonly.connector.source;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import io.debezium.util.Clock;

/**
 * Debezium's {@code LastEvent} metric (a summary of the last change: its position and key), rendered
 * when it is read instead of at every change.
 *
 * <p>Why: Debezium 3.6.1's {@code CommonEventMeter} renders that summary for every change, building a
 * Jackson {@code ObjectMapper} each time, into a string that only a JMX read of {@code LastEvent}
 * looks at. It runs on Debezium's reader thread, the relay's bound while it drains a backlog: 30%
 * of that thread's samples in warmed drains (benchmarks/README.md, "Debezium's last-event
 * summary"). Later Debezium versions render it cheaper (debezium PR 7886), still at every change.
 *
 * <p>How: after the task started, the snapshot and the streaming metrics each get this meter in place
 * of Debezium's. It shares Debezium's counters (the very {@code AtomicLong}s, so what was counted
 * before or during the swap stays counted), lets Debezium's code count each change as before, keeps
 * a reference to the last change instead of its summary, and renders the summary with Debezium's own
 * provider when {@link #getLastEvent()} is read, so the attribute reads as it did. Debezium gives no
 * setting for this, so the swap reaches fields Debezium does not publish; when a Debezium version
 * moves them it logs why and leaves Debezium's meter, and {@code RelayIT} fails on that version.
 */
final class LastEventOnRead extends CommonEventMeter {

    private static final Logger LOG = LoggerFactory.getLogger(LastEventOnRead.class);

    private final EventMetadataProvider debeziums;
    private final LastChange last;

    private LastEventOnRead(Clock clock, EventMetadataProvider debeziums, LastChange last) {
        super(clock, last);
        this.debeziums = debeziums;
        this.last = last;
    }

    /**
     * Replaces the event meter of {@code coordinator}'s snapshot and streaming metrics; where it cannot,
     * the reason is logged and Debezium's meter stays.
     */
    static void install(ChangeEventSourceCoordinator<?, ?> coordinator) {
        for (String metrics : new String[]{ "snapshotMetrics", "streamingMetrics" }) {
            try {
                Object pipeline = HiddenField.read(ChangeEventSourceCoordinator.class, metrics, coordinator);
                if (pipeline instanceof PipelineMetrics) {
                    replace((PipelineMetrics<?>) pipeline);
                } else {
                    LOG.info("Debezium's last-event summary stays rendered per change: its {} are {}", metrics,
                            pipeline == null ? "not there" : pipeline.getClass().getName());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("Debezium's last-event summary stays rendered per change in its {} ({}): this Debezium version"
                        + " is not the one the connector was built against", metrics, e.toString());
            }
        }
    }

    /** Replaces {@code pipeline}'s event meter. */
    static void replace(PipelineMetrics<?> pipeline) throws ReflectiveOperationException {
        HiddenField meterField = HiddenField.of(PipelineMetrics.class, "commonEventMeter");
        CommonEventMeter debeziumsMeter = (CommonEventMeter) meterField.get(pipeline);
        if (debeziumsMeter instanceof LastEventOnRead) {
            // Already ours: wrapping it would take its recorder for Debezium's provider and render nothing.
            return;
        }
        Clock clock = (Clock) HiddenField.read(CommonEventMeter.class, "clock", debeziumsMeter);
        EventMetadataProvider provider = (EventMetadataProvider) HiddenField.read(CommonEventMeter.class, "metadataProvider", debeziumsMeter);
        LastEventOnRead meter = new LastEventOnRead(clock, provider, new LastChange(provider));
        int shared = 0;
        for (var declared : CommonEventMeter.class.getDeclaredFields()) {
            if (declared.getType() == AtomicLong.class) {
                HiddenField counter = HiddenField.of(CommonEventMeter.class, declared.getName());
                counter.set(meter, counter.get(debeziumsMeter));
                shared++;
            }
        }
        if (shared == 0) {
            throw new NoSuchFieldException("CommonEventMeter has no AtomicLong counters to share");
        }
        meterField.set(pipeline, meter);
    }

    @Override
    public String getLastEvent() {
        Change change = last.change;
        return change == null ? null : debeziums.toSummaryString(change.source, change.offset, change.key, change.value);
    }

    @Override
    public void reset() {
        super.reset();
        last.change = null;
    }

    /** One change as Debezium's meter saw it; key and value are immutable once emitted. */
    private record Change(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
    }

    /**
     * Debezium's provider, except that the summary Debezium's meter asks for at every change is only
     * noted. The PostgreSQL provider renders from the change's own value, not from the offset context
     * (which moves on), so rendering later reads as rendering then.
     */
    private static final class LastChange implements EventMetadataProvider {

        private final EventMetadataProvider debeziums;
        private volatile Change change;

        LastChange(EventMetadataProvider debeziums) {
            this.debeziums = debeziums;
        }

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            change = new Change(source, offset, key, value);
            // Debezium's meter stores this as its own last event, which getLastEvent() no longer reads.
            return null;
        }

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debeziums.getEventTimestamp(source, offset, key, value);
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debeziums.getEventSourcePosition(source, offset, key, value);
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debeziums.getTransactionId(source, offset, key, value);
        }

        @Override
        public TransactionInfo getTransactionInfo(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debeziums.getTransactionInfo(source, offset, key, value);
        }
    }
}

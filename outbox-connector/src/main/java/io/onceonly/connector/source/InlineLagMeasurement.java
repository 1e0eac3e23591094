package io.onceonly.connector.source;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.metrics.event.LagBehindSourceEvent;
import io.debezium.metrics.stats.Measurement;
import io.debezium.metrics.stats.MeasurementCollector;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.StreamingMeter;
import io.debezium.pipeline.metrics.DefaultStreamingChangeEventSourceMetrics;

/**
 * Debezium's lag-behind-source measurement ({@code MilliSecondsBehindSource} and its statistics),
 * taken on the thread that reads the change instead of being handed to a thread of its own.
 *
 * <p>Why: Debezium 3.6.1's {@code StreamingMeter} passes every change's lag through a
 * {@code MeasurementCollector}: a bounded queue and a publisher thread that waits on it. The
 * publisher keeps up, so the queue is empty at almost every change and each one wakes it: a futex
 * call on Debezium's reader thread, the relay's bound during a backlog, and a second thread's
 * wake-up per change (benchmarks/README.md, "Debezium's lag statistics"). The measurement itself is
 * a synchronized update of a few fields, cheaper than the hand-off.
 *
 * <p>How: after the task started, the streaming meter's collector is replaced by this one, which has
 * no queue and no thread and applies each event to the same measurement at once; the old collector's
 * publisher thread is stopped (the few changes it still held go unmeasured; the reader reads the
 * field anew at each change, between locks of Debezium's queue, so it does not keep the old one).
 * Debezium's streaming metrics report what they did. Debezium gives no setting or factory for this
 * (the task builds its metrics factory itself), so the replacement reaches four fields Debezium does
 * not publish; when a Debezium version moves them it logs why and leaves Debezium's collector in
 * place, and {@code RelayIT} fails on that version.
 */
final class InlineLagMeasurement extends MeasurementCollector<LagBehindSourceEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(InlineLagMeasurement.class);

    private final Measurement<LagBehindSourceEvent> lag;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private InlineLagMeasurement(Measurement<LagBehindSourceEvent> lag) {
        // Debezium's constructor calls start(), which here starts nothing.
        this.lag = lag;
    }

    /**
     * Replaces the streaming meter's collector of {@code coordinator}'s streaming metrics; when it
     * cannot, the reason is logged and Debezium's collector stays.
     */
    static void install(ChangeEventSourceCoordinator<?, ?> coordinator) {
        try {
            Object metrics = HiddenField.read(ChangeEventSourceCoordinator.class, "streamingMetrics", coordinator);
            if (!(metrics instanceof DefaultStreamingChangeEventSourceMetrics)) {
                LOG.info("Debezium's lag statistics keep their own thread: the streaming metrics are {}",
                        metrics == null ? "not there" : metrics.getClass().getName());
                return;
            }
            StreamingMeter meter = (StreamingMeter) HiddenField.read(DefaultStreamingChangeEventSourceMetrics.class, "streamingMeter", metrics);
            @SuppressWarnings("unchecked")
            Measurement<LagBehindSourceEvent> lag = (Measurement<LagBehindSourceEvent>) HiddenField.read(StreamingMeter.class, "lagBehindSourceMeasurement", meter);
            HiddenField collector = HiddenField.of(StreamingMeter.class, "measurementCollector");
            MeasurementCollector<?> debeziums = (MeasurementCollector<?>) collector.get(meter);
            collector.set(meter, new InlineLagMeasurement(lag));
            // Stops its publisher thread and drops what it had queued: changes from now on are measured inline.
            debeziums.stop();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Debezium's lag statistics keep their own thread, a wake-up of it per change ({}): this Debezium"
                    + " version is not the one the connector was built against", e.toString());
        }
    }

    @Override
    public void start() {
        // No publisher thread: measurements are taken on the caller's thread.
    }

    @Override
    public void stop() {
    }

    @Override
    public void reset() {
        // Nothing queued; the measurement's own reset is Debezium's.
    }

    @Override
    public void accept(LagBehindSourceEvent event) {
        try {
            lag.accept(event);
        } catch (RuntimeException e) {
            // A metric must not stop the relay; Debezium's publisher thread logged and went on alike.
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warn("Debezium's lag measurement failed; later failures are not logged", e);
            }
        }
    }
}

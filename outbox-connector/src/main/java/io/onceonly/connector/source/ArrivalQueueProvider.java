package io.onceonly.connector.source;

import java.util.ArrayDeque;
import java.util.Map;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.base.QueueProvider;

/**
 * Debezium's in-memory change queue ({@code queue.provider.type=memory}) that also counts what it
 * holds in {@link Arrivals}, so that {@link OutboxSourceTask} can wait for the first change without
 * polling. Chosen by {@link EngineProperties} as {@value #NAME}; registered for Java's service loader.
 */
public final class ArrivalQueueProvider<T> implements QueueProvider<T> {

    /** The {@code queue.provider.type} that selects this provider. */
    public static final String NAME = "once-memory";

    private ArrayDeque<T> queue;
    private Arrivals arrivals;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void configure(Map<String, ?> properties) {
        Configuration config = Configuration.from(properties);
        queue = new ArrayDeque<>(config.getInteger(CommonConnectorConfig.MAX_QUEUE_SIZE));
        String id = config.getString(Arrivals.ID);
        if (id == null) {
            throw new IllegalArgumentException("queue.provider.type=" + NAME + " is the connector's own and needs " + Arrivals.ID
                    + "; set by the connector, not by hand");
        }
        arrivals = Arrivals.register(id);
    }

    @Override
    public void enqueue(T event) {
        queue.add(event);
        arrivals.added();
    }

    @Override
    public T poll() {
        T event = queue.poll();
        if (event != null) {
            arrivals.removed();
        }
        return event;
    }

    // Debezium's poll asks the size at each look at the queue, the spin of its last millisecond included
    // (empty then: the spinning poll holds the lock the reader needs to add). A change waiting is taken at once.
    @Override
    public int size() {
        if (queue.isEmpty()) {
            arrivals.pacePoll();
        }
        return queue.size();
    }
}

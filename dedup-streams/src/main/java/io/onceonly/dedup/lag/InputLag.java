package io.onceonly.dedup.lag;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.onceonly.dedup.config.DedupConfig;

/**
 * How far this instance is behind on its input partitions, looked at every {@link #PERIOD} on a
 * thread of its own, never on a stream thread:
 * <ul>
 * <li>{@code once_dedup_input_lag_records{topic,partition}}: per input partition this instance
 *     owns, the last stable offset minus the application's committed offset (the log start offset
 *     before the first commit, where Kafka Streams starts reading). Under exactly_once_v2 a record
 *     is forwarded exactly when its offset is committed, so this counts the records not forwarded yet.</li>
 * <li>{@code once_dedup_oldest_unprocessed_age_seconds}: now minus the timestamp of the first
 *     committed record at or after the committed offset, the oldest over this instance's partitions
 *     with a lag; 0 when none has one.</li>
 * </ul>
 * Each look costs a group description, the group's committed offsets and the partitions' end
 * offsets (admin requests), and, only for partitions that lag, one small fetch at the committed
 * offset. The consumer's own {@code records-lag} is not used: it counts from the fetch position,
 * which runs up to {@code buffered.records.per.partition} ahead of what was forwarded, and stops
 * changing while Kafka Streams pauses a partition. A look that fails (Kafka unreachable) keeps the
 * last figures and logs once until a look succeeds again.
 */
public final class InputLag implements AutoCloseable {

    /** How often the figures are looked at. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(InputLag.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final String groupId;
    private final Supplier<KafkaStreams> streams;
    private final Admin admin;
    private final HeadRecordTimestamps heads;
    private final Clock clock;
    private final MultiGauge lagRows;
    private final ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "once-dedup-input-lag");
        thread.setDaemon(true);
        return thread;
    });
    private volatile double oldestAgeSeconds;
    private boolean failing;

    private InputLag(String groupId, Supplier<KafkaStreams> streams, Admin admin, HeadRecordTimestamps heads, Clock clock,
                     MeterRegistry registry) {
        this.groupId = groupId;
        this.streams = streams;
        this.admin = admin;
        this.heads = heads;
        this.clock = clock;
        this.lagRows = MultiGauge.builder("once.dedup.input.lag.records")
                .description("Records of an input partition this instance owns that are not committed as processed yet: last stable offset minus committed offset")
                .register(registry);
        Gauge.builder("once.dedup.oldest.unprocessed.age.seconds", this, lag -> lag.oldestAgeSeconds)
                .description("Now minus the timestamp of the oldest record not processed yet (the record at the committed offset), over this instance's input partitions; 0 when caught up")
                .register(registry);
    }

    /**
     * Registers the meters and starts looking every {@link #PERIOD}, with clients of its own.
     *
     * @param streams the running Kafka Streams, asked for this instance's stream threads
     */
    public static InputLag start(DedupConfig config, Supplier<KafkaStreams> streams, MeterRegistry registry) {
        InputLag lag = new InputLag(config.applicationId(), streams, Admin.create(config.adminProperties("input-lag")),
                new HeadRecordTimestamps(config.probeConsumerProperties(), REQUEST_TIMEOUT), Clock.systemUTC(), registry);
        lag.looks.scheduleWithFixedDelay(lag::lookSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return lag;
    }

    private void lookSafely() {
        if (looks.isShutdown()) {
            return;
        }
        try {
            look();
            if (failing) {
                LOG.info("the input lag is looked at again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // An exception escaping a scheduled task would end the schedule silently.
            if (!failing && !looks.isShutdown()) {
                LOG.warn("cannot look at the input lag ({}); its figures stay as they were until a look succeeds", e.toString());
                failing = true;
            }
        }
    }

    private void look() throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> owned = ownedPartitions();
        if (owned.isEmpty()) {
            lagRows.register(List.of(), true);
            oldestAgeSeconds = 0;
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(owned)))
                .partitionsToOffsetAndMetadata(groupId).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> ends = offsets(owned, OffsetSpec.latest());
        Set<TopicPartition> uncommitted = new HashSet<>(owned);
        uncommitted.removeIf(tp -> committed.get(tp) != null);
        Map<TopicPartition, Long> starts = uncommitted.isEmpty() ? Map.of() : offsets(uncommitted, OffsetSpec.earliest());

        Map<TopicPartition, Long> positions = new HashMap<>();
        Map<TopicPartition, Long> lags = new HashMap<>();
        for (TopicPartition tp : owned) {
            OffsetAndMetadata done = committed.get(tp);
            long position = done != null ? done.offset() : starts.get(tp);
            positions.put(tp, position);
            lags.put(tp, Math.max(0, ends.get(tp) - position));
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        lags.forEach((tp, lag) -> rows.add(MultiGauge.Row.of(Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition())), lag)));
        lagRows.register(rows, true);

        Map<TopicPartition, Long> lagging = new HashMap<>();
        positions.forEach((tp, position) -> {
            if (lags.get(tp) > 0) {
                lagging.put(tp, position);
            }
        });
        long now = clock.millis();
        oldestAgeSeconds = heads.at(lagging).values().stream().mapToLong(timestamp -> Math.max(0, now - timestamp))
                .max().orElse(0) / 1000.0;
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(request,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /*
     * The input partitions this instance's consumers are assigned, as the group coordinator says:
     * tasks still restoring, or paused, are not among the threads' active tasks yet, but their
     * partitions are assigned and their records wait. Under the streams group protocol the
     * consumer group has no members; then the active tasks' partitions are what is known.
     */
    private Set<TopicPartition> ownedPartitions() throws InterruptedException, ExecutionException, TimeoutException {
        KafkaStreams running = streams.get();
        Set<ThreadMetadata> threads;
        try {
            threads = running == null ? Set.of() : running.metadataForLocalThreads();
        } catch (IllegalStateException notRunning) {
            return Set.of();
        }
        Set<String> consumers = new HashSet<>();
        Set<TopicPartition> activeTasks = new HashSet<>();
        for (ThreadMetadata thread : threads) {
            consumers.add(thread.consumerClientId());
            thread.activeTasks().stream().map(TaskMetadata::topicPartitions).forEach(activeTasks::addAll);
        }
        if (consumers.isEmpty()) {
            return Set.of();
        }
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Set<TopicPartition> assigned = new HashSet<>();
        boolean member = false;
        for (MemberDescription m : group.members()) {
            if (consumers.contains(m.clientId())) {
                member = true;
                assigned.addAll(m.assignment().topicPartitions());
            }
        }
        return member ? assigned : activeTasks;
    }

    @Override
    public void close() {
        looks.shutdownNow();
        try {
            looks.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (looks.isTerminated()) {
            // The consumer may only be closed by a thread not polling it; a look still polling ends with the JVM.
            heads.close();
        }
        // Nothing to hand over: waiting would only lengthen a stop while Kafka is down.
        admin.close(Duration.ZERO);
    }
}

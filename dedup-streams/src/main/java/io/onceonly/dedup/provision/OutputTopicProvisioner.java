package io.onceonly.dedup.provision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.contracts.wire.RecordSize;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.dedup.topology.DestinationLimits;

/**
 * Makes sure the app's output, duplicates and dead-letter topics exist before records go there,
 * and knows what each accepts. At start it checks every input known then and fails naming what to
 * create or grant; afterwards a background check every few seconds does the same for inputs that
 * appear later (a new topic matching input.pattern), logging a refusal and keeping it for /health.
 *
 * <p>Missing topics are created with the input's partition count (dead letter: the broker's
 * default) and the broker's default replication. Two inputs of one output must have equal
 * partition counts unless records are repartitioned: without repartitioning a biz-id's store
 * partition is its input partition, and equal keys land on different partition numbers.
 */
public final class OutputTopicProvisioner implements DestinationLimits, AutoCloseable {

    /** How often inputs that appeared since the start get their output topics. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(OutputTopicProvisioner.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final DedupConfig config;
    private final Admin admin;
    private final int producerLimit;
    private final Map<String, Integer> topicLimits = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final Set<String> provisionedInputs = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "once-dedup-output-topics");
        thread.setDaemon(true);
        return thread;
    });

    private OutputTopicProvisioner(DedupConfig config, Admin admin) {
        this.config = config;
        this.admin = admin;
        this.producerLimit = config.producerMaxRequestSize();
    }

    /** A provisioner with its own Admin client; {@link #close()} closes it. */
    public static OutputTopicProvisioner connect(DedupConfig config) {
        return new OutputTopicProvisioner(config, Admin.create(config.adminProperties()));
    }

    /**
     * Creates the missing output topics of every input that exists now.
     *
     * @throws ConfigException when inputs of one output have unequal partition counts without repartition=true
     * @throws IllegalStateException naming the topic, the error and what to create or grant, when a
     *         creation is refused or Kafka does not answer within 30 s
     */
    public void provisionAtStart() {
        Map<String, Integer> inputs = existingInputs();
        refuseUnequalPartitions(inputs);
        List<String> refused = provision(inputs);
        if (!refused.isEmpty()) {
            throw new IllegalStateException(String.join("; ", refused));
        }
    }

    /** Starts the check of inputs that appear later, every {@link #CHECK_EVERY}. */
    public void watch() {
        checks.scheduleWithFixedDelay(this::checkNewInputs, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Output topics that could not be created, with why: for /health. */
    public Map<String, String> refusals() {
        return new TreeMap<>(refusals);
    }

    @Override
    public String refusal(String topic, int bytes) {
        String refused = refusals.get(topic);
        if (refused != null) {
            return refused;
        }
        String illegal = OutboxTopics.topicNameProblem(topic);
        if (illegal != null) {
            return illegal;
        }
        Integer topicLimit = topicLimits.get(topic);
        if (topicLimit != null && topicLimit < producerLimit && bytes > topicLimit) {
            return RecordSize.tooLarge(topic, bytes, topicLimit, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        }
        return bytes > producerLimit ? RecordSize.tooLarge(topic, bytes, producerLimit, "producer max.request.size") : null;
    }

    @Override
    public void close() {
        checks.shutdownNow();
        // Nothing to hand over: waiting would only lengthen a stop while Kafka is down.
        admin.close(Duration.ZERO);
    }

    private void checkNewInputs() {
        try {
            Map<String, Integer> all = existingInputs();
            Map<String, Integer> inputs = new LinkedHashMap<>(all);
            inputs.keySet().removeAll(provisionedInputs);
            if (inputs.isEmpty() && refusals.isEmpty()) {
                return;
            }
            try {
                refuseUnequalPartitions(all);
            } catch (ConfigException e) {
                LOG.error("{}", e.getMessage());
            }
            if (inputs.isEmpty()) {
                // Only refusals are left: see whether someone created those topics meanwhile.
                inputs = all;
            }
            Map<String, String> known = refusals();
            // Refusals are retried every check; each is logged when it first appears.
            provision(inputs).stream().filter(refused -> !known.containsValue(refused)).forEach(refused -> LOG.error("{}", refused));
        } catch (RuntimeException e) {
            LOG.warn("could not check the output topics of new inputs (next try in {} s): {}", CHECK_EVERY.toSeconds(), e.toString());
        }
    }

    /** Input topics that exist, with their partition counts. */
    private Map<String, Integer> existingInputs() {
        Set<String> names = await(admin.listTopics().names(), "list the topics");
        List<String> inputs = names.stream().filter(this::isInput).sorted().toList();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        if (!inputs.isEmpty()) {
            await(admin.describeTopics(inputs).allTopicNames(), "describe the input topics " + inputs)
                    .forEach((name, description) -> partitions.put(name, description.partitions().size()));
        }
        return partitions;
    }

    private boolean isInput(String topic) {
        return config.inputPattern().map(p -> p.matcher(topic).matches()).orElseGet(() -> config.inputTopics().contains(topic));
    }

    private void refuseUnequalPartitions(Map<String, Integer> inputs) {
        if (config.repartition()) {
            return;
        }
        byOutput(inputs).forEach((output, sources) -> {
            if (sources.values().stream().distinct().count() > 1) {
                String counts = sources.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " partitions)")
                        .collect(Collectors.joining(" and "));
                throw new ConfigException(DedupOptions.OUTPUT_MAPPING, config.outputs().mapping().toString(),
                        "sends " + counts + " to " + output + " with unequal partition counts: one biz-id would meet"
                                + " different store partitions and pass twice; set repartition=true or give the inputs"
                                + " equal partition counts");
            }
        });
    }

    private Map<String, Map<String, Integer>> byOutput(Map<String, Integer> inputs) {
        Map<String, Map<String, Integer>> outputs = new TreeMap<>();
        inputs.forEach((input, partitions) ->
                outputs.computeIfAbsent(config.outputs().outputFor(input), o -> new TreeMap<>()).put(input, partitions));
        return outputs;
    }

    /** Creates the missing outputs of {@code inputs}; returns one sentence per refused topic. */
    private List<String> provision(Map<String, Integer> inputs) {
        Map<String, Optional<Integer>> wanted = new TreeMap<>();
        byOutput(inputs).forEach((output, sources) -> {
            Optional<Integer> partitions = sources.values().stream().max(Integer::compare);
            wanted.put(output, partitions);
            if (config.duplicatesEnabled()) {
                wanted.put(io.onceonly.contracts.wire.OutboxTopics.duplicatesOf(output), partitions);
            }
        });
        wanted.put(config.deadLetterTopic(), Optional.empty());
        Set<String> existing = await(admin.listTopics().names(), "list the topics");
        // A refused topic that the operator created since is no longer refused.
        refusals.keySet().removeIf(topic -> {
            boolean created = existing.contains(topic);
            if (created) {
                LOG.info("output topic {} exists now; records for it are forwarded again", topic);
            }
            return created;
        });
        List<NewTopic> missing = wanted.entrySet().stream().filter(e -> !existing.contains(e.getKey()))
                .map(e -> new NewTopic(e.getKey(), e.getValue(), Optional.empty())).toList();
        List<String> refused = new ArrayList<>();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).values().forEach((topic, created) -> {
                try {
                    created.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    refusals.remove(topic);
                    LOG.info("created output topic {} ({} partitions)", topic,
                            wanted.get(topic).map(String::valueOf).orElse("broker default"));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        refused.add(refused(topic, wanted.get(topic), e.getCause().toString()));
                    }
                } catch (TimeoutException e) {
                    refused.add(refused(topic, wanted.get(topic), "no answer within " + CALL_TIMEOUT.toSeconds() + " s"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating " + topic, e);
                }
            });
        }
        learnLimits(wanted.keySet().stream().filter(t -> !refusals.containsKey(t)).toList());
        if (refused.isEmpty()) {
            provisionedInputs.addAll(inputs.keySet());
        }
        return refused;
    }

    private String refused(String topic, Optional<Integer> partitions, String error) {
        String sentence = "cannot create the output topic " + topic + ": " + error + "; create it ("
                + partitions.map(p -> p + " partitions").orElse("any partition count") + ") or grant this app's"
                + " principal CREATE on it, then restart";
        refusals.put(topic, sentence);
        return sentence;
    }

    // The broker refuses a batch over the topic's max.message.bytes; knowing it lets the processor
    // dead-letter such a record instead of aborting the transaction.
    private void learnLimits(Collection<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> pending = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        // A topic created a moment ago may not be known yet to the broker that answers: ask again briefly. A limit
        // still unknown then leaves the producer's limit as the only check before the send.
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<ConfigResource> unknown = new ArrayList<>();
            admin.describeConfigs(pending).values().forEach((resource, future) -> {
                try {
                    ConfigEntry limit = await(future, "read the settings of " + resource.name()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                    if (limit != null && limit.value() != null) {
                        topicLimits.put(resource.name(), Integer.parseInt(limit.value()));
                    }
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    unknown.add(resource);
                }
            });
            if (unknown.isEmpty() || attempt == 20) {
                unknown.forEach(r -> LOG.warn("the settings of {} are not readable yet; its max.message.bytes is checked by the broker only", r.name()));
                return;
            }
            pending = unknown;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + " on " + config.kafka().get("bootstrap.servers") + ": "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": Kafka at " + config.kafka().get("bootstrap.servers")
                    + " did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}

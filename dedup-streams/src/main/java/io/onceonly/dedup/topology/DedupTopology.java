package io.onceonly.dedup.topology;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import io.onceonly.contracts.serde.JsonSerde;
import io.onceonly.dedup.config.DedupConfig;

/**
 * The one topology of the dedup app:
 * <pre>
 * inputs (list or pattern) ─[repartition by biz-id, optional]─► dedup (biz-id window store) ─┬► sink "output"     (the input's output topic)
 *                                                                                           ├► sink "duplicates" (the output's .duplicates)
 *                                                                                           └► sink "dead-letter"
 * </pre>
 * Keys, values and headers travel as bytes: what is forwarded is exactly what was read. The dedup
 * processor forwards each record to one named sink; why the topic travels with the value is in
 * {@link DedupProcessor}.
 */
public final class DedupTopology {

    /** The biz-id store, also queried by the lookup API. */
    public static final String STORE = "biz-id-store";

    /** The sink of first occurrences: each to its input's output topic. */
    static final String OUTPUT_SINK = "output";
    /** The sink of the duplicates audit: each to its output's duplicates topic. */
    static final String DUPLICATES_SINK = "duplicates";
    /** The sink of the dead-letter topic. */
    static final String DEAD_LETTER_SINK = "dead-letter";

    private DedupTopology() {
    }

    /** The topology with only the producer's limits known (no topic settings), as under TopologyTestDriver. */
    public static Topology build(DedupConfig config, DedupMetrics metrics) {
        return build(config, metrics, DestinationLimits.producerOnly(config.producerMaxRequestSize()));
    }

    /** The topology; {@code limits} says which records the destinations would refuse. */
    public static Topology build(DedupConfig config, DedupMetrics metrics, DestinationLimits limits) {
        return build(config, metrics, limits, DecisionTracing.NONE);
    }

    /** The topology, its decisions traced by {@code tracing} ({@link OpenTelemetryDecisionTracing} or {@link DecisionTracing#NONE}). */
    public static Topology build(DedupConfig config, DedupMetrics metrics, DestinationLimits limits, DecisionTracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(config.retention()));
        Consumed<byte[], byte[]> consumed = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("input");
        KStream<byte[], byte[]> input = config.inputPattern().isPresent()
                ? builder.stream(config.inputPattern().get(), consumed)
                : builder.stream(config.inputTopics(), consumed);
        BizIdReader reader = new BizIdReader(config.bizIdSource());
        // One for the topology: its processors on one stream thread count together.
        CommitCadence cadence = new CommitCadence(config.freshCommitIntervalMs(), config.freshMaxLagMs());
        if (config.repartition()) {
            input = input.process(() -> new RekeyByBizId(reader), Named.as("rekey-by-biz-id"))
                    .repartition(Repartitioned.<byte[], byte[]>as("by-biz-id")
                            .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.ByteArray()));
        }
        KStream<byte[], Addressed> decided = input.process(() -> new DedupProcessor(reader, config.outputs(), config.deadLetterTopic(),
                config.duplicatesEnabled(), config.repartition(), config.retention().toMillis(), metrics, limits, tracing, cadence), Named.as("dedup"),
                STORE);
        decided.to(Addressed.TOPIC, sink(OUTPUT_SINK));
        decided.to(Addressed.TOPIC, sink(DUPLICATES_SINK));
        decided.to(config.deadLetterTopic(), sink(DEAD_LETTER_SINK));
        return builder.build();
    }

    // The sink's name is its processor name: DedupProcessor forwards to it by that name.
    private static Produced<byte[], Addressed> sink(String name) {
        return Produced.with(Serdes.ByteArray(), Addressed.serde()).withName(name);
    }

    private static StoreBuilder<WindowStore<String, FirstSeen>> store(Duration retention) {
        // Window size 1 ms: each biz-id is one point in time; retention bounds how long it is remembered.
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(1), false),
                Serdes.String(), new JsonSerde<>(FirstSeen.class));
    }
}

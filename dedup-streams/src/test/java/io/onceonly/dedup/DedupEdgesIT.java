package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.KafkaService;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/** The app at the edges of operations, on the testkit broker: topics it must create, records its outputs refuse, topics that appear later. */
@WithStack
class DedupEdgesIT {

    @Test
    void missingOutputTopicsAreCreatedAtStartWithTheInputsPartitionCount(TestStack stack) throws Exception {
        stack.kafka().createTopic("edge.prov", 3);
        DedupConfig config = config(stack, "prov-app", "--input.topics=edge.prov", "--output.mapping=edge.prov:prov.out",
                "--dead-letter.topic=prov.dead");

        try (DedupService service = new DedupService(config).start(); Admin admin = Admin.create(stack.kafka().clientProperties())) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("prov.out", "prov.out.duplicates", "prov.dead"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.get("prov.out").partitions()).hasSize(3);
            assertThat(topics.get("prov.out.duplicates").partitions()).hasSize(3);
            assertThat(topics.get("prov.dead").partitions()).as("broker default").hasSize(1);
        }
    }

    @Test
    void twoInputsOfOneOutputWithUnequalPartitionCountsAreRefusedUnlessRepartitioned(TestStack stack) throws Exception {
        stack.kafka().createTopic("edge.two", 2);
        stack.kafka().createTopic("edge.three", 3);
        String[] args = {"--input.topics=edge.two,edge.three", "--output.mapping=edge.two:merged.out,edge.three:merged.out"};

        assertThatThrownBy(() -> new DedupService(config(stack, "merged-app", args)).start()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("edge.three (3 partitions) and edge.two (2 partitions)").hasMessageContaining("merged.out")
                .hasMessageContaining("repartition=true").hasMessageContaining("equal partition counts");

        List<String> repartitioned = new ArrayList<>(List.of(args));
        repartitioned.add("--repartition=true");
        try (DedupService service = new DedupService(config(stack, "merged-app", repartitioned.toArray(String[]::new))).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
    }

    @Test
    void anOutputTopicTheBrokerRefusesFailsTheStartNamingTheTopicAndTheFix(TestStack stack) {
        stack.kafka().createTopic("edge.bad", 1);
        DedupConfig config = config(stack, "bad-app", "--input.topics=edge.bad", "--output.mapping=edge.bad:bad/out");

        assertThatThrownBy(() -> new DedupService(config).start()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create the output topic bad/out").hasMessageContaining("InvalidTopicException")
                .hasMessageContaining("create it (1 partitions) or grant");
    }

    @Test
    void aRecordTooLargeForItsOutputGoesToTheDeadLetterAndTheNextRecordsFlow(TestStack stack) throws Exception {
        stack.kafka().createTopic("edge.big", 1);
        stack.kafka().createTopic("big.out", 1, Map.of("max.message.bytes", "4096"));
        DedupConfig config = config(stack, "big-app", "--input.topics=edge.big", "--output.mapping=edge.big:big.out",
                "--dead-letter.topic=big.dead");

        try (DedupService service = new DedupService(config).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            produce(stack.kafka(), "edge.big", List.of(event("pay-1", 10), event("pay-2", 6_000), event("pay-3", 10)));

            assertThat(bizIds(TopicReader.read(stack.kafka(), "big.out", 2, Duration.ofSeconds(60), Duration.ofSeconds(2))))
                    .containsExactly("pay-1", "pay-3");
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(stack.kafka(), "big.dead", 1, Duration.ofSeconds(30), Duration.ofSeconds(1));
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(OnceHeaders.lastText(r.headers(), OnceHeaders.ERROR).orElseThrow())
                        .contains("edge.big-0@1").contains("too large for big.out").contains("max.message.bytes of 4096");
                assertThat(r.value()).hasSize(6_000);
            });
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.metrics().unproducibleCount()).isEqualTo(1);
        }
    }

    @Test
    void aTopicMatchingThePatternCreatedAfterTheStartIsReadWithinThirtySeconds(TestStack stack) throws Exception {
        DedupConfig config = config(stack, "late-app", "--input.pattern=late\\..+", "--input.prefix=late.",
                "--output.prefix=late-out.", "--http.port=0");

        try (DedupService service = new DedupService(config).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            assertThat(DedupIT.get(java.net.http.HttpClient.newHttpClient(), "http://localhost:" + service.httpPort() + "/health"))
                    .contains("\"status\":\"UP\"");
            // The broker creates late.orders on this first write (auto-create is on in the testkit).
            produce(stack.kafka(), "late.orders", List.of(event("order-1", 10)));

            assertThat(bizIds(TopicReader.read(stack.kafka(), "late-out.orders", 1, Duration.ofSeconds(30), Duration.ZERO)))
                    .as("read within 30 s of the topic's creation").containsExactly("order-1");
        }
    }

    static DedupConfig config(TestStack stack, String appId, String... args) {
        List<String> all = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "--application.id=" + appId, "--http.port=-1"));
        try {
            all.add("--state.dir=" + Files.createTempDirectory("once-dedup-" + appId));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        all.addAll(Arrays.asList(args));
        return DedupConfig.from(AppOptions.load(all.toArray(String[]::new), Map.of()));
    }

    static ProducerRecord<byte[], byte[]> event(String bizId, int valueBytes) {
        RecordHeaders headers = new RecordHeaders();
        new EventMetadata(UUID.randomUUID(), bizId, "PaymentCompleted", "payment", Instant.now()).writeTo(headers);
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        return new ProducerRecord<>("unset", null, "acct-1".getBytes(StandardCharsets.UTF_8), value, headers);
    }

    static void produce(KafkaService kafka, String topic, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static List<String> bizIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> EventMetadata.of(r).bizId()).toList();
    }
}

package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;
import io.onceonly.workload.DuplicatedPayments;

/** The app in-process on the testkit broker; every check reads with read_committed. */
@WithStack
class DedupIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneHundredThousandRecordsWithTenPercentDuplicatesLeaveExactlyTheUniqueSet(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.payment", 4);
        DuplicatedPayments load = new DuplicatedPayments();
        load.produce(stack.kafka().clientProperties(), "outbox.payment", 100_000, 0.10, 0, 0);
        DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {
                "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "--application.id=dedup-it", "--input.topics=outbox.payment", "--output.mapping=outbox.payment:card.issue-requests",
                "--state.dir=" + Files.createTempDirectory("once-dedup-it"), "--http.port=0"}, Map.of()));

        try (DedupService service = new DedupService(config).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<ConsumerRecord<byte[], byte[]>> output = TopicReader.read(stack.kafka(), "card.issue-requests",
                    load.uniqueCount(), Duration.ofSeconds(180), Duration.ofSeconds(3));
            List<ConsumerRecord<byte[], byte[]>> audit = TopicReader.read(stack.kafka(), "card.issue-requests.duplicates",
                    load.duplicates(), Duration.ofSeconds(60), Duration.ofSeconds(2));

            Map<String, Integer> forwarded = new HashMap<>();
            output.forEach(r -> forwarded.merge(EventMetadata.of(r).bizId(), 1, Integer::sum));
            assertThat(forwarded.keySet()).isEqualTo(new HashSet<>(load.uniqueBizIds()));
            assertThat(forwarded.values()).allMatch(n -> n == 1);
            Map<String, Integer> dropped = new HashMap<>();
            audit.forEach(r -> dropped.merge(EventMetadata.of(r).bizId(), 1, Integer::sum));
            assertThat(dropped).isEqualTo(load.duplicateCopies());
            assertThat(service.metrics().duplicateCount()).isEqualTo(load.duplicates());

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + service.httpPort();
            String seenId = load.uniqueBizIds().get(123);
            JsonNode seen = JSON.readTree(get(http, base + "/biz-ids/" + seenId));
            JsonNode unseen = JSON.readTree(get(http, base + "/biz-ids/never-paid"));
            assertThat(seen.get("seen").asBoolean()).isTrue();
            assertThat(seen.get("firstEventId").asText()).isNotBlank();
            assertThat(seen.get("firstSeenAt").asText()).isNotBlank();
            assertThat(unseen.get("seen").asBoolean()).isFalse();
            assertThat(get(http, base + "/health")).contains("\"status\":\"UP\"").contains("RUNNING");
            String metrics = get(http, base + "/metrics");
            assertThat(metrics).contains("once_dedup_records_in_total").contains("once_dedup_records_duplicates_total")
                    .contains("once_dedup_records_forwarded_total").contains("once_dedup_records_dead_lettered_total")
                    .contains("once_dedup_created_to_forward_seconds_bucket").contains("once_dedup_store_entries_estimate");
        }
    }

    @Test
    void aPatternPicksUpEveryOutboxTopicIncludingOneWithAnOldBacklog(TestStack stack) throws Exception {
        stack.kafka().createTopic("outbox.legacy", 4);
        stack.kafka().createTopic("outbox.fresh", 4);
        DuplicatedPayments old = new DuplicatedPayments();
        old.produce(stack.kafka().clientProperties(), "outbox.legacy", 20_000, 0.10, 0, 0);
        DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {
                "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=dedup-pattern-it",
                "--state.dir=" + Files.createTempDirectory("once-dedup-it"), "--http.port=-1"}, Map.of()));

        try (DedupService service = new DedupService(config).start()) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            DuplicatedPayments fresh = new DuplicatedPayments();
            fresh.produce(stack.kafka().clientProperties(), "outbox.fresh", 5_000, 0.10, 500, 20);

            assertThat(bizIds(TopicReader.read(stack.kafka(), "deduped.fresh", fresh.uniqueCount(),
                    Duration.ofSeconds(90), Duration.ofSeconds(2)))).isEqualTo(new HashSet<>(fresh.uniqueBizIds()));
            assertThat(bizIds(TopicReader.read(stack.kafka(), "deduped.legacy", old.uniqueCount(),
                    Duration.ofSeconds(90), Duration.ofSeconds(2)))).isEqualTo(new HashSet<>(old.uniqueBizIds()));
        }
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    static Set<String> bizIds(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(EventMetadata.of(r).bizId()));
        return ids;
    }
}

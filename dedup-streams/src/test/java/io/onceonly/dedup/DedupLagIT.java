package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.runtime.AppOptions;
import io.onceonly.stack.Await;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The input lag and the age of the oldest record not processed, as /metrics shows them: records
 * written while the app was stopped, then the app started with its processing paused (so that it
 * stays behind for as long as the test looks), then resumed.
 */
@WithStack
class DedupLagIT {

    private static final int RECORDS = 300;
    private static final Duration WRITTEN_AGO = Duration.ofHours(1);
    private static final String LAG = "once_dedup_input_lag_records";
    private static final String AGE = "once_dedup_oldest_unprocessed_age_seconds";

    @Test
    void recordsWrittenWhileTheAppWasStoppedShowAsLagAndAgeUntilTheyAreForwarded(TestStack stack) throws Exception {
        stack.kafka().createTopic("lag.in", 2);
        long writtenAt = System.currentTimeMillis() - WRITTEN_AGO.toMillis();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(stack.kafka().clientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(OnceHeaders.BIZ_ID, ("pay-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>("lag.in", null, writtenAt, ("user-" + i).getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8), headers));
            }
            producer.flush();
        }
        DedupConfig config = DedupConfig.from(AppOptions.load(new String[] {
                "--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(), "--application.id=lag-app",
                "--input.topics=lag.in", "--output.mapping=lag.in:lag.out", "--http.port=0",
                "--state.dir=" + Files.createTempDirectory("once-dedup-lag")}, Map.of()));

        try (DedupService service = new DedupService(config).startPaused()) {
            String metrics = "http://localhost:" + service.httpPort() + "/metrics";
            PrometheusText behind = Await.value("the lag of both partitions and the age on " + metrics, Duration.ofSeconds(90), () -> {
                PrometheusText page = PrometheusText.scrape(metrics);
                return page.series(LAG).size() == 2 && page.value(AGE) > 0 ? page : null;
            });
            assertThat(behind.series(LAG).values()).as("lag per partition").allMatch(lag -> lag > 0);
            assertThat(behind.series(LAG).values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(RECORDS);
            assertThat(behind.value(AGE)).as("age of the oldest record not processed, seconds")
                    .isBetween((double) WRITTEN_AGO.toSeconds(), WRITTEN_AGO.toSeconds() + 300.0);

            service.resumeProcessing();

            Await.until("lag and age back to 0", Duration.ofSeconds(90), () -> {
                PrometheusText page = PrometheusText.scrape(metrics);
                return page.series(LAG).size() == 2 && page.series(LAG).values().stream().allMatch(lag -> lag == 0)
                        && page.value(AGE) == 0;
            });
            assertThat(service.metrics().forwardedCount()).isEqualTo(RECORDS);
        }
    }
}

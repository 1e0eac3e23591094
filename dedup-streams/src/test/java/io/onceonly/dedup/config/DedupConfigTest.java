package io.onceonly.dedup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.onceonly.runtime.AppOptions;

class DedupConfigTest {

    @Test
    void exactlyOnceCommitsEvery20MillisecondsOrWithTheFreshRecordCadenceABacklogEvery500UnlessKafkaSaysOtherwise() {
        assertThat(props("--kafka.bootstrap.servers=k:9092").getProperty("commit.interval.ms")).isEqualTo("20");
        assertThat(config("--kafka.bootstrap.servers=k:9092").freshCommitIntervalMs()).as("off by default").isZero();
        assertThat(config("--kafka.bootstrap.servers=k:9092").freshMaxLagMs()).isEqualTo(1_000);
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--kafka.commit.interval.ms=50").getProperty("commit.interval.ms"))
                .isEqualTo("50");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--commit.fresh.interval.ms=20").getProperty("commit.interval.ms"))
                .as("a backlog's, with the cadence").isEqualTo("500");
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--commit.fresh.interval.ms=20").freshCommitIntervalMs()).isEqualTo(20);
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--commit.fresh.interval.ms=20", "--kafka.commit.interval.ms=300")
                .getProperty("commit.interval.ms")).isEqualTo("300");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--processing.guarantee=at_least_once")).doesNotContainKey("commit.interval.ms");
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--commit.fresh.interval.ms=20", "--processing.guarantee=at_least_once")
                .freshCommitIntervalMs()).as("at_least_once output is visible as soon as it is written").isZero();
        assertThatThrownBy(() -> config("--kafka.bootstrap.servers=k:9092", "--commit.fresh.max.lag.ms=-1"))
                .hasMessageContaining("commit.fresh.max.lag.ms");
    }

    @Test
    void theLookupTokenIsReadButNeverShownInTheStartLine() {
        DedupConfig config = config("--kafka.bootstrap.servers=k:9092", "--http.lookup.token=s3cret", "--http.bind.address=127.0.0.1");

        assertThat(config.lookupToken()).isEqualTo("s3cret");
        assertThat(config.httpBindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.describe()).contains("http.lookup.token=[hidden]").doesNotContain("s3cret");
        assertThat(config("--kafka.bootstrap.servers=k:9092").lookupToken()).isEmpty();
    }

    @Test
    void settingsTheAppOwnsAreRefusedUnderKafkaAndUnknownOptionsAreNamed() {
        assertThatThrownBy(() -> props("--kafka.bootstrap.servers=k:9092", "--kafka.application.id=x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.application.id").hasMessageContaining("use that instead");
        assertThatThrownBy(() -> props("--kafka.bootstrap.servers=k:9092", "--retention=5"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention").hasMessageContaining("is not an option of the dedup app");
        assertThatThrownBy(() -> props()).hasMessageContaining("kafka.bootstrap.servers").hasMessageContaining("is required");
    }

    @Test
    void anInputPatternRefreshesTopicMetadataEveryFewSecondsUnlessKafkaSaysOtherwise() {
        String mainConsumer = "main.consumer.metadata.max.age.ms";
        assertThat(props("--kafka.bootstrap.servers=k:9092").getProperty(mainConsumer)).isEqualTo("5000");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--input.topics=outbox.payment")).doesNotContainKey(mainConsumer);
        Properties userSet = props("--kafka.bootstrap.servers=k:9092", "--kafka.metadata.max.age.ms=60000");
        assertThat(userSet).doesNotContainKey(mainConsumer);
        assertThat(userSet.getProperty("metadata.max.age.ms")).isEqualTo("60000");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--kafka.main.consumer.metadata.max.age.ms=1000").getProperty(mainConsumer))
                .isEqualTo("1000");
    }

    @Test
    void theProducerRequestLimitComesFromKafkaSettingsOrKafkasDefault() {
        assertThat(config("--kafka.bootstrap.servers=k:9092").producerMaxRequestSize()).isEqualTo(1_048_576);
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--kafka.max.request.size=5000").producerMaxRequestSize()).isEqualTo(5000);
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--kafka.max.request.size=5000",
                "--kafka.producer.max.request.size=7000").producerMaxRequestSize()).isEqualTo(7000);
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--kafka.commit.interval.ms=50").adminProperties())
                .containsEntry("bootstrap.servers", "k:9092").doesNotContainKey("commit.interval.ms");
    }

    @Test
    void anInputPatternThatCanMatchTheAppsOwnOutputsIsRefusedWhateverTheTopicsAreCalled() {
        assertThat(config("--kafka.bootstrap.servers=k:9092").inputPattern()).isPresent();
        assertThat(config("--kafka.bootstrap.servers=k:9092", "--input.pattern=late\\..+", "--output.prefix=late-out.").inputPattern())
                .isPresent();
        for (String pattern : List.of("deduped\\..*", ".+\\.shipment", "(outbox|deduped)\\.invoice", "deduped\\.x\\.duplicates")) {
            assertThatThrownBy(() -> config("--kafka.bootstrap.servers=k:9092", "--input.pattern=" + pattern))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("input.pattern").hasMessageContaining(pattern)
                    .hasMessageContaining("can match the app's own default output topics (deduped.");
        }
        assertThatThrownBy(() -> config("--kafka.bootstrap.servers=k:9092", "--input.pattern=outbox\\..+",
                "--output.mapping=outbox.a:outbox.b"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("matches the app's own output topic outbox.b");
        assertThatThrownBy(() -> config("--kafka.bootstrap.servers=k:9092", "--input.pattern=outbox\\..+"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connector's dead-letter topic");
    }

    private static DedupConfig config(String... args) {
        return DedupConfig.from(AppOptions.load(args, Map.of()));
    }

    private static Properties props(String... args) {
        return DedupConfig.from(AppOptions.load(args, Map.of())).streamsProperties(Optional.empty());
    }
}

package io.onceonly.dedup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.onceonly.runtime.AppOptions;

class DedupConfigTest {

    @Test
    void exactlyOnceCommitsEvery20MillisecondsUnlessKafkaSaysOtherwise() {
        assertThat(props("--kafka.bootstrap.servers=k:9092").getProperty("commit.interval.ms")).isEqualTo("20");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--kafka.commit.interval.ms=50").getProperty("commit.interval.ms"))
                .isEqualTo("50");
        assertThat(props("--kafka.bootstrap.servers=k:9092", "--processing.guarantee=at_least_once")).doesNotContainKey("commit.interval.ms");
    }

    @Test
    void settingsTheAppOwnsAreRefusedUnderKafkaAndUnknownOptionsAreNamed() {
        assertThatThrownBy(() -> props("--kafka.bootstrap.servers=k:9092", "--kafka.application.id=x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.application.id").hasMessageContaining("use that instead");
        assertThatThrownBy(() -> props("--kafka.bootstrap.servers=k:9092", "--retention=5"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention").hasMessageContaining("is not an option of the dedup app");
        assertThatThrownBy(() -> props()).hasMessageContaining("kafka.bootstrap.servers").hasMessageContaining("is required");
    }

    private static Properties props(String... args) {
        return DedupConfig.from(AppOptions.load(args, Map.of())).streamsProperties(Optional.empty());
    }
}

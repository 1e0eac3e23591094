package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @Test
    void aMissingOrBlankClusterIsRefusedNamingTheOptionAndItsVariable() {
        for (Map<String, String> kafka : java.util.List.of(Map.<String, String>of(), Map.of("bootstrap.servers", " "))) {
            assertThatThrownBy(() -> KafkaCluster.requireBootstrapServers(kafka)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("kafka.bootstrap.servers").hasMessageContaining("ONCE_KAFKA_BOOTSTRAP_SERVERS");
        }
        assertThatCode(() -> KafkaCluster.requireBootstrapServers(Map.of("bootstrap.servers", "kafka:9092"))).doesNotThrowAnyException();
    }
}

package io.onceonly.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectorSettingsTest {

    private static final ConnectorSettings BASE = ConnectorSettings.of("jdbc:postgresql://db:5432/shop", "relay", "s3cret", "kafka:9092");

    @Test
    void anInstanceOwnsItsSlotPublicationOffsetTopicHeartbeatAndName() {
        ConnectorConfig config = BASE.instance("bench_a").config();

        assertThat(config.slotName()).isEqualTo("bench_a");
        assertThat(config.publicationName()).isEqualTo("bench_a");
        assertThat(config.offsetTopic()).isEqualTo("offsets-bench_a");
        assertThat(config.heartbeatTable()).isEqualTo(Optional.of("public.heartbeat_bench_a"));
        assertThat(config.name()).isEqualTo("bench_a");
    }

    @Test
    void laterSettingsWinAndCopiesLeaveTheOriginalAlone() {
        ConnectorSettings changed = BASE.instance("x").withAll(Map.of(ConnectorOptions.SLOT_NAME, "y"));

        assertThat(changed.options()).containsEntry(ConnectorOptions.SLOT_NAME, "y").containsEntry(ConnectorOptions.NAME, "x");
        assertThat(BASE.options()).doesNotContainKey(ConnectorOptions.SLOT_NAME);
        assertThat(changed.args()).contains("--slot.name=y", "--kafka.bootstrap.servers=kafka:9092");
    }

    @Test
    void aBadValueIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> BASE.with(ConnectorOptions.SLOT_NAME, "Not-A-Slot").config())
                .isInstanceOf(ConfigException.class).hasMessageContaining("slot.name");
    }
}

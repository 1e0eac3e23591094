package io.onceonly.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class VariantTest {

    @Test
    void settingsNamedDedupGoToTheDedupAppWithoutThePrefixAndTheRestToTheConnector() {
        Variants.Variant v = Variants.Variant.parse("c100:dedup.kafka.commit.interval.ms=100,poll.interval.ms=20,dedup.kafka.num.stream.threads=2");
        assertThat(v.name()).isEqualTo("c100");
        assertThat(v.connector()).containsExactly(Map.entry("poll.interval.ms", "20"));
        assertThat(v.dedup()).containsExactly(Map.entry("kafka.commit.interval.ms", "100"), Map.entry("kafka.num.stream.threads", "2"));
    }

    @Test
    void aVariantWithoutSettingsIsTheDefaultsOfBoth() {
        Variants.Variant v = Variants.Variant.parse("now");
        assertThat(v.connector()).isEmpty();
        assertThat(v.dedup()).isEmpty();
    }

    @Test
    void aMalformedVariantIsRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> Variants.Variant.parse("Base:x=1")).hasMessageContaining("lower-case letters and digits");
        assertThatThrownBy(() -> Variants.Variant.parse("base:x")).hasMessageContaining("K=V");
    }
}

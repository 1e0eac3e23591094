package io.onceonly.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code topic:partition:offset}, as the command prints it and takes it back. */
class RecordAddressTest {

    @Test
    void readsWhatItPrints() {
        RecordAddress address = new RecordAddress("outbox.dead-letter", 2, 17);

        assertThat(RecordAddress.parse(address.toString(), null)).isEqualTo(address);
        assertThat(RecordAddress.parse("2:17", "outbox.dead-letter")).isEqualTo(address);
    }

    @Test
    void refusesWhatIsNoAddressNamingTheForm() {
        assertThatThrownBy(() -> RecordAddress.parse("2:17", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no topic").hasMessageContaining("--topic");
        for (String bad : new String[] {"", "abc", "t:1", "t:x:1", "t:1:-2", "t:1:2:3", "bad topic!:0:1"}) {
            assertThatThrownBy(() -> RecordAddress.parse(bad, "t")).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("write topic:partition:offset");
        }
    }
}

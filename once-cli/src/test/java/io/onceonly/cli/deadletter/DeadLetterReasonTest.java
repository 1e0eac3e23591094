package io.onceonly.cli.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.onceonly.cli.kafka.RecordAddress;

/** The dedup app's reasons start with where it read the record; the connector's do not. */
class DeadLetterReasonTest {

    @Test
    void theDedupAppsInputPositionIsRead() {
        assertThat(DeadLetterReason.inputPosition("outbox.pay-ment_v2-11@12345: record has no header once-biz-id"))
                .contains(new RecordAddress("outbox.pay-ment_v2", 11, 12345));
    }

    @Test
    void aReasonWithoutAPositionHasNone() {
        assertThat(DeadLetterReason.inputPosition("biz-id (column biz_id) is null or blank")).isEmpty();
        assertThat(DeadLetterReason.inputPosition(null)).isEmpty();
    }

    @Test
    void aLongReasonIsCutToALine() {
        String brief = DeadLetterReason.brief("x".repeat(500) + "\nmore");

        assertThat(brief).hasSize(110).endsWith("...");
        assertThat(DeadLetterReason.brief(null)).isEqualTo("(no once-error header)");
    }
}

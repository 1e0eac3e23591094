package io.onceonly.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class CommitCadenceTest {

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    private boolean processedAt(CommitCadence cadence, long timeMs) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(timeMs);
        cadence.processed(context);
        return context.committed();
    }

    @Test
    void underLightLoadACommitIsAskedForOnceTheIntervalHasPassed() {
        CommitCadence cadence = new CommitCadence(20, 200);
        assertThat(processedAt(cadence, 1_000)).isFalse();
        assertThat(processedAt(cadence, 1_010)).isFalse();
        assertThat(processedAt(cadence, 1_019)).isFalse();
        assertThat(processedAt(cadence, 1_020)).as("20 ms after the interval's first record").isTrue();
        // The next interval starts with the next record.
        assertThat(processedAt(cadence, 1_030)).isFalse();
        assertThat(processedAt(cadence, 1_049)).isFalse();
        assertThat(processedAt(cadence, 1_050)).isTrue();
    }

    @Test
    void aRecordAfterAPauseIsCommittedWithTheNextRecordOrByKafkaStreams() {
        CommitCadence cadence = new CommitCadence(20, 200);
        assertThat(processedAt(cadence, 1_000)).isFalse();
        assertThat(processedAt(cadence, 5_000)).as("the first record after a pause ends the interval the last one opened").isTrue();
    }

    @Test
    void underHeavyLoadCommitsAreLeftToKafkaStreamsInterval() {
        CommitCadence cadence = new CommitCadence(20, 200);
        for (int i = 0; i < 300; i++) {
            assertThat(processedAt(cadence, 1_000 + i / 20)).isFalse();
        }
        assertThat(processedAt(cadence, 1_020)).as("301 records in 20 ms: heavy").isFalse();
        // The load falls: the next interval counts again from its own first record.
        assertThat(processedAt(cadence, 1_030)).isFalse();
        assertThat(processedAt(cadence, 1_050)).isTrue();
    }

    @Test
    void exactlyTheLimitStillCountsAsLight() {
        CommitCadence cadence = new CommitCadence(20, 3);
        processedAt(cadence, 1_000);
        processedAt(cadence, 1_005);
        assertThat(processedAt(cadence, 1_020)).isTrue();
        processedAt(cadence, 1_021);
        processedAt(cadence, 1_022);
        processedAt(cadence, 1_023);
        assertThat(processedAt(cadence, 1_041)).as("4 records").isFalse();
    }

    @Test
    void zeroNeverAsks() {
        CommitCadence cadence = new CommitCadence(0, 200);
        assertThat(processedAt(cadence, 1_000)).isFalse();
        assertThat(processedAt(cadence, 9_000)).isFalse();
    }

    @Test
    void eachStreamThreadCountsItsOwnRecords() throws Exception {
        CommitCadence cadence = new CommitCadence(20, 200);
        assertThat(processedAt(cadence, 1_000)).isFalse();
        // Another stream thread's records do not end this thread's interval, nor does it see this one's.
        MockProcessorContext<Object, Object> other = new MockProcessorContext<>();
        boolean otherAsked = CompletableFuture.supplyAsync(() -> {
            other.setCurrentSystemTimeMs(1_030);
            cadence.processed(other);
            return other.committed();
        }).get();
        assertThat(otherAsked).as("its first record opens its own interval").isFalse();
        assertThat(processedAt(cadence, 1_019)).isFalse();
        assertThat(processedAt(cadence, 1_020)).isTrue();
    }
}

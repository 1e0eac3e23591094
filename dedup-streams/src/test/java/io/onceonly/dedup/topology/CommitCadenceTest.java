package io.onceonly.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.Test;

class CommitCadenceTest {

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    /** A record written 5 ms before it is processed at {@code timeMs}: the app keeps up. */
    private boolean freshAt(CommitCadence cadence, long timeMs) {
        return processedAt(cadence, timeMs, timeMs - 5);
    }

    private boolean processedAt(CommitCadence cadence, long timeMs, long recordTimestamp) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(timeMs);
        cadence.processed(context, recordTimestamp);
        return context.committed();
    }

    private CapturedPunctuator lastPunctuator() {
        return context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1);
    }

    private boolean punctuatedAt(CapturedPunctuator punctuator, long timeMs) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(timeMs);
        punctuator.getPunctuator().punctuate(timeMs);
        return context.committed();
    }

    @Test
    void whileRecordsAreFreshACommitIsAskedForOnceTheLastRequestIsAnIntervalOld() {
        CommitCadence cadence = new CommitCadence(20, 1_000);
        assertThat(freshAt(cadence, 1_000)).as("no request yet").isTrue();
        assertThat(freshAt(cadence, 1_010)).isFalse();
        assertThat(freshAt(cadence, 1_019)).isFalse();
        assertThat(freshAt(cadence, 1_020)).as("20 ms after the last request").isTrue();
        assertThat(freshAt(cadence, 1_030)).isFalse();
        assertThat(freshAt(cadence, 1_039)).isFalse();
        assertThat(freshAt(cadence, 1_040)).isTrue();
        assertThat(freshAt(cadence, 5_000)).as("a record after a pause: at once").isTrue();
    }

    @Test
    void theLastRecordsBeforeAPauseAreCommittedByAPunctuatorWhenTheIntervalEnds() {
        CommitCadence cadence = new CommitCadence(20, 1_000);
        assertThat(freshAt(cadence, 1_000)).isTrue();
        assertThat(context.scheduledPunctuators()).as("nothing waits").isEmpty();
        assertThat(freshAt(cadence, 1_005)).isFalse();
        assertThat(freshAt(cadence, 1_008)).isFalse();
        assertThat(context.scheduledPunctuators()).as("one for the records since the last request").hasSize(1);
        CapturedPunctuator timer = lastPunctuator();
        assertThat(timer.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        assertThat(timer.getInterval()).as("until the last request is 20 ms old").isEqualTo(Duration.ofMillis(15));
        assertThat(punctuatedAt(timer, 1_020)).isTrue();
        assertThat(timer.cancelled()).as("a punctuation marks its task as needing a commit: none while idle").isTrue();
        assertThat(freshAt(cadence, 1_030)).isFalse();
        assertThat(context.scheduledPunctuators()).hasSize(2);
        assertThat(freshAt(cadence, 1_040)).as("a record came first").isTrue();
        assertThat(lastPunctuator().cancelled()).isTrue();
    }

    @Test
    void aBacklogIsLeftToKafkaStreamsInterval() {
        CommitCadence cadence = new CommitCadence(20, 1_000);
        for (int i = 0; i <= 300; i++) {
            assertThat(processedAt(cadence, 1_000 + i, -5_000)).as("records written 6 s before").isFalse();
        }
        assertThat(context.scheduledPunctuators()).as("nothing of its own waits").isEmpty();
        // Caught up: fresh records commit often again.
        assertThat(processedAt(cadence, 2_000, 1_000)).as("exactly the most lag that is still fresh").isTrue();
        assertThat(processedAt(cadence, 2_020, 1_019)).as("1,001 ms: backlog").isFalse();
        assertThat(freshAt(cadence, 2_021)).isTrue();
    }

    @Test
    void aClosingTaskTakesItsPunctuatorAlong() {
        CommitCadence cadence = new CommitCadence(20, 1_000);
        freshAt(cadence, 1_000);
        freshAt(cadence, 1_005);
        MockProcessorContext<Object, Object> otherTask = new MockProcessorContext<>();
        cadence.closed(otherTask);
        assertThat(lastPunctuator().cancelled()).as("another task's close").isFalse();
        cadence.closed(context);
        assertThat(lastPunctuator().cancelled()).isTrue();
        assertThat(freshAt(cadence, 1_010)).isFalse();
        assertThat(context.scheduledPunctuators()).as("a punctuator of its own for the next record").hasSize(2);
    }

    @Test
    void zeroNeverAsks() {
        CommitCadence cadence = new CommitCadence(0, 1_000);
        assertThat(freshAt(cadence, 1_000)).isFalse();
        assertThat(freshAt(cadence, 9_000)).isFalse();
        assertThat(context.scheduledPunctuators()).isEmpty();
    }

    @Test
    void eachStreamThreadKeepsItsOwnRequests() throws Exception {
        CommitCadence cadence = new CommitCadence(20, 1_000);
        assertThat(freshAt(cadence, 1_000)).isTrue();
        // Another stream thread's request does not move this thread's, nor does this one's move its.
        MockProcessorContext<Object, Object> other = new MockProcessorContext<>();
        boolean otherAsked = CompletableFuture.supplyAsync(() -> {
            other.setCurrentSystemTimeMs(1_010);
            cadence.processed(other, 1_005);
            return other.committed();
        }).get();
        assertThat(otherAsked).as("its first request").isTrue();
        assertThat(freshAt(cadence, 1_019)).isFalse();
        assertThat(freshAt(cadence, 1_020)).isTrue();
    }
}

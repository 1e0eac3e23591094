package io.onceonly.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceonly.contracts.wire.OnceHeaders;

class DeadLetterOnProductionErrorTest {

    private final DedupMetrics metrics = new DedupMetrics(new SimpleMeterRegistry());

    @Test
    void aRefusedRecordResumesWithItsDeadLetterAndTheReason() {
        DeadLetterOnProductionError handler = handler();
        RecordHeaders headers = new RecordHeaders();
        headers.add(OnceHeaders.BIZ_ID, OnceHeaders.text("pay-1"));
        ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("card.issue-requests", null, 42L, bytes("k"), bytes("v"), headers);

        Response response = handler.handleError(context(), refused, new RecordTooLargeException("too big for the broker"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("dedup.dead-letter");
            assertThat(dead.key()).isEqualTo(bytes("k"));
            assertThat(dead.value()).isEqualTo(bytes("v"));
            assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.BIZ_ID)).contains("pay-1");
            assertThat(OnceHeaders.lastText(dead.headers(), OnceHeaders.ERROR).orElseThrow())
                    .contains("outbox.payment-2@17").contains("card.issue-requests").contains("too big for the broker");
        });
        assertThat(metrics.unproducibleCount()).isEqualTo(1);
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void aDeadLetterThatCannotBeWrittenFailsTheInstance() {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>("dedup.dead-letter", bytes("v"));

        Response response = handler().handleError(context(), dead, new RecordTooLargeException("too big"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    private DeadLetterOnProductionError handler() {
        Properties props = new Properties();
        DeadLetterOnProductionError.install(props, "dedup.dead-letter", metrics);
        Map<String, Object> configs = new HashMap<>();
        props.forEach((k, v) -> configs.put((String) k, v));
        DeadLetterOnProductionError handler = new DeadLetterOnProductionError();
        handler.configure(configs);
        return handler;
    }

    // The input record being processed when the send failed: outbox.payment-2@17.
    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "outbox.payment"; }
            public int partition() { return 2; }
            public long offset() { return 17L; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "outputs"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0L; }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return null; }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

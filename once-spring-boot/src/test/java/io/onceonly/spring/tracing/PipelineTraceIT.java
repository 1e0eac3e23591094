package io.onceonly.spring.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.onceonly.connector.relay.OpenTelemetryRelayTracing;
import io.onceonly.dedup.topology.OpenTelemetryDecisionTracing;
import io.onceonly.spring.consumer.OpenTelemetryDeliveryTracing;
import io.onceonly.spring.example.CardIssuer;
import io.onceonly.spring.example.ExampleApplications;
import io.onceonly.spring.example.PaymentService;
import io.onceonly.spring.example.Pipeline;
import io.onceonly.stack.Await;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * The example service, the connector and the dedup app on one OpenTelemetry SDK with the in-memory
 * exporter: a payment is one trace from the business transaction to the card, and the dedup span of
 * a payment published again links to the span of its first occurrence.
 */
@WithStack
class PipelineTraceIT {

    private static final AttributeKey<String> BIZ_ID = AttributeKey.stringKey("once.biz_id");
    private static final AttributeKey<String> DECISION = AttributeKey.stringKey("once.dedup.decision");

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk otel;
    private static Pipeline pipeline;
    private static ConfigurableApplicationContext app;
    private static PaymentService payments;

    @BeforeAll
    static void start(TestStack stack) throws Exception {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .build();
        pipeline = Pipeline.startDedup(stack, new OpenTelemetryDecisionTracing(otel));
        app = ExampleApplications.start(stack, otel);
        pipeline.startConnector(stack, new OpenTelemetryRelayTracing(otel));
        payments = app.getBean(PaymentService.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (otel != null) {
            otel.close();
        }
    }

    @Test
    void aPaymentIsOneTraceFromTheBusinessTransactionToTheCard() {
        UUID paymentId = UUID.randomUUID();
        SpanContext business = inSpan("POST /payments", () -> payments.pay(paymentId, "user-t1", 4200));

        SpanData card = awaitSpan("the card's span", paymentId, "process " + CardIssuer.TOPIC);
        SpanData relay = awaitSpan("the relay's span", paymentId, "send " + Pipeline.EVENTS);
        SpanData dedup = awaitSpan("the dedup decision's span", paymentId, "dedup " + Pipeline.EVENTS);

        for (SpanData span : List.of(relay, dedup, card)) {
            assertThat(span.getTraceId()).as(span.getName()).isEqualTo(business.getTraceId());
            assertThat(span.getParentSpanId()).as(span.getName()).isEqualTo(business.getSpanId());
        }
        assertThat(dedup.getAttributes().get(DECISION)).isEqualTo("forwarded");
        assertThat(card.getInstrumentationScopeInfo().getName()).isEqualTo(OpenTelemetryDeliveryTracing.SCOPE);
    }

    @Test
    void theDedupSpanOfAResentPaymentLinksToItsFirstOccurrence() {
        UUID paymentId = UUID.randomUUID();
        inSpan("POST /payments", () -> payments.pay(paymentId, "user-t2", 1500));
        SpanData first = awaitSpan("the first occurrence's dedup span", paymentId, "dedup " + Pipeline.EVENTS);
        SpanContext resend = inSpan("resend after a timeout", () -> payments.publishAgain(paymentId, "user-t2", 1500));

        Await.until("the dedup span of the resent payment " + paymentId, Duration.ofSeconds(90),
                () -> dedupSpans(paymentId).size() >= 2, PipelineTraceIT::names);
        SpanData dropped = dedupSpans(paymentId).stream().filter(s -> !s.getSpanId().equals(first.getSpanId()))
                .findFirst().orElseThrow();

        assertThat(dropped.getAttributes().get(DECISION)).isEqualTo("duplicate");
        assertThat(dropped.getTraceId()).isEqualTo(resend.getTraceId());
        assertThat(dropped.getLinks()).extracting(LinkData::getSpanContext)
                .anySatisfy(linked -> {
                    assertThat(linked.getTraceId()).isEqualTo(first.getTraceId());
                    assertThat(linked.getSpanId()).isEqualTo(first.getSpanId());
                });
    }

    private static SpanContext inSpan(String name, Runnable work) {
        Span span = otel.getTracer("test").spanBuilder(name).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            work.run();
        } finally {
            span.end();
        }
        return span.getSpanContext();
    }

    private static SpanData awaitSpan(String what, UUID paymentId, String name) {
        return Await.value(what + " of payment " + paymentId, Duration.ofSeconds(90), () -> SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name) && paymentId.toString().equals(s.getAttributes().get(BIZ_ID)))
                .findFirst().orElse(null), PipelineTraceIT::names);
    }

    private static List<SpanData> dedupSpans(UUID paymentId) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("dedup " + Pipeline.EVENTS) && paymentId.toString().equals(s.getAttributes().get(BIZ_ID)))
                .toList();
    }

    private static Object names() {
        return SPANS.getFinishedSpanItems().stream().map(s -> s.getName() + " " + s.getAttributes().get(BIZ_ID)).toList();
    }
}

package io.onceonly.spring.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

import io.onceonly.contracts.IdempotentConsumer;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.spring.consumer.DeliveryTracing;
import io.onceonly.spring.consumer.KafkaClaims;
import io.onceonly.spring.consumer.OpenTelemetryDeliveryTracing;
import io.onceonly.spring.outbox.TransactionalOutbox;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Once in a Spring Boot service: an {@link OutboxWriter}, a {@link TransactionalOutbox} that joins
 * the current transaction, an {@link IdempotentConsumer} and {@link KafkaClaims} for
 * {@code @KafkaListener} methods, all from {@code once.*} ({@link OnceProperties}). Every bean backs
 * off when the application defines its own. The tables are not created here: the application's
 * migration tool installs them from the scripts this module ships (see the README).
 *
 * <p>Ordered after the data source and transaction manager auto-configurations by name, so that it
 * does not link against the modules Boot 4 moved them to.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration"})
@EnableConfigurationProperties(OnceProperties.class)
public class OnceAutoConfiguration {

    /** The writer, as {@code once.outbox.*} and {@code once.tracing.enabled} say. */
    @Bean
    @ConditionalOnMissingBean
    public OutboxWriter onceOutboxWriter(OnceProperties properties) {
        OnceProperties.Outbox outbox = properties.getOutbox();
        return OutboxWriter.builder()
                .table(outbox.getTable())
                .deleteAfterInsert(outbox.isDeleteAfterInsert())
                .maxEventBytes(outbox.getMaxEventBytes())
                .traceContext(properties.getTracing().isEnabled())
                .build();
    }

    /** The outbox of the current transaction on the application's data source. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    public TransactionalOutbox onceTransactionalOutbox(DataSource dataSource, OutboxWriter writer) {
        return new TransactionalOutbox(dataSource, writer);
    }

    /** Claims in {@code once.consumer.table}. */
    @Bean
    @ConditionalOnMissingBean
    public IdempotentConsumer onceIdempotentConsumer(OnceProperties properties) {
        return new IdempotentConsumer(properties.getConsumer().getTable());
    }

    /** Claims of records for {@code @KafkaListener} methods, in transactions of the application's transaction manager. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnBean(PlatformTransactionManager.class)
    public KafkaClaims onceKafkaClaims(DataSource dataSource, PlatformTransactionManager transactionManager,
                                       IdempotentConsumer claims, OnceProperties properties, Environment environment,
                                       ObjectProvider<DeliveryTracing> tracing) {
        String name = properties.getConsumer().getName();
        if (name == null || name.isBlank()) {
            name = environment.getProperty("spring.application.name");
        }
        return new KafkaClaims(dataSource, transactionManager, claims, name, tracing.getIfAvailable(() -> DeliveryTracing.NONE));
    }

    /**
     * Spans around deliveries when the OpenTelemetry API is on the class path: with the application's
     * {@link OpenTelemetry} bean if it has one, else the global one (an agent's, or no-op).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
    @ConditionalOnProperty(prefix = "once.tracing", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Tracing {

        @Bean
        @ConditionalOnMissingBean
        DeliveryTracing onceDeliveryTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
            return new OpenTelemetryDeliveryTracing(openTelemetry.getIfAvailable(GlobalOpenTelemetry::get));
        }
    }
}

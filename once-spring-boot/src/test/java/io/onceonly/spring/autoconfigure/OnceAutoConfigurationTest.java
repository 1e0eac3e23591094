package io.onceonly.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

import io.onceonly.contracts.IdempotentConsumer;
import io.onceonly.contracts.OutboxWriter;
import io.onceonly.spring.consumer.DeliveryTracing;
import io.onceonly.spring.consumer.KafkaClaims;
import io.onceonly.spring.consumer.OpenTelemetryDeliveryTracing;
import io.onceonly.spring.outbox.TransactionalOutbox;

/** Which beans the auto-configuration makes, from which properties, and when it backs off (no database needed). */
class OnceAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OnceAutoConfiguration.class));

    @Test
    void withADataSourceAndATransactionManagerEveryBeanIsThere() {
        runner.withUserConfiguration(Database.class).run(context -> {
            assertThat(context).hasSingleBean(OutboxWriter.class).hasSingleBean(TransactionalOutbox.class)
                    .hasSingleBean(IdempotentConsumer.class).hasSingleBean(KafkaClaims.class);
            assertThat(context.getBean(DeliveryTracing.class)).isInstanceOf(OpenTelemetryDeliveryTracing.class);
            assertThat(context.getBean(OutboxWriter.class).writesTraceContext()).isTrue();
        });
    }

    @Test
    void theOncePropertiesShapeTheBeans() {
        runner.withUserConfiguration(Database.class)
                .withPropertyValues("once.outbox.table=billing.outbox", "once.outbox.delete-after-insert=true",
                        "once.outbox.max-event-bytes=65536", "once.consumer.table=billing.processed_message",
                        "once.tracing.enabled=false")
                .run(context -> {
                    OutboxWriter writer = context.getBean(OutboxWriter.class);
                    assertThat(writer.table()).isEqualTo("billing.outbox");
                    assertThat(writer.deletesAfterInsert()).isTrue();
                    assertThat(writer.maxEventBytes()).isEqualTo(65536);
                    assertThat(writer.writesTraceContext()).isFalse();
                    assertThat(context.getBean(IdempotentConsumer.class).table()).isEqualTo("billing.processed_message");
                    assertThat(context).doesNotHaveBean(DeliveryTracing.class);
                });
    }

    @Test
    void withoutADataSourceOnlyTheWriterAndTheClaimsAreMade() {
        runner.run(context -> assertThat(context).hasSingleBean(OutboxWriter.class).hasSingleBean(IdempotentConsumer.class)
                .doesNotHaveBean(TransactionalOutbox.class).doesNotHaveBean(KafkaClaims.class));
    }

    @Test
    void theApplicationsOwnWriterWins() {
        runner.withUserConfiguration(Database.class, OwnWriter.class).run(context -> {
            assertThat(context).hasSingleBean(OutboxWriter.class);
            assertThat(context.getBean(OutboxWriter.class).table()).isEqualTo("own_outbox");
            assertThat(context.getBean(TransactionalOutbox.class).writer()).isSameAs(context.getBean(OutboxWriter.class));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Database {
        @Bean
        DataSource dataSource() {
            // Never connected to: the beans take a connection only inside a transaction.
            return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnWriter {
        @Bean
        OutboxWriter ownWriter() {
            return OutboxWriter.builder().table("own_outbox").build();
        }
    }
}

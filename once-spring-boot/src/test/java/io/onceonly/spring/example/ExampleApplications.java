package io.onceonly.spring.example;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.onceonly.testkit.TestStack;
import io.opentelemetry.api.OpenTelemetry;

/** Starts {@link ExampleApplication} on the testkit stack, configured as a service's application.yaml would be. */
public final class ExampleApplications {

    private ExampleApplications() {
    }

    public static ConfigurableApplicationContext start(TestStack stack) {
        return start(stack, null);
    }

    /** As {@link #start(TestStack)}, with {@code openTelemetry} as the application's {@link OpenTelemetry} bean (none if null). */
    public static ConfigurableApplicationContext start(TestStack stack, OpenTelemetry openTelemetry) {
        return new SpringApplicationBuilder(ExampleApplication.class)
                .initializers(context -> {
                    if (openTelemetry != null) {
                        context.getBeanFactory().registerSingleton("openTelemetry", openTelemetry);
                    }
                })
                .properties(
                        "spring.main.web-application-type=none",
                        "spring.main.banner-mode=off",
                        // liquibase-core is on the test class path for LiquibaseChangelogIT; this service migrates with Flyway.
                        "spring.liquibase.enabled=false",
                        "spring.application.name=card-service",
                        "spring.datasource.url=" + stack.postgres().jdbcUrl(),
                        "spring.datasource.username=" + stack.postgres().username(),
                        "spring.datasource.password=" + stack.postgres().password(),
                        // The application's migrations and Once's scripts, run by the application's own Flyway.
                        "spring.flyway.locations=classpath:db/example,classpath:db/once/flyway/outbox,classpath:db/once/flyway/consumer",
                        "spring.kafka.bootstrap-servers=" + stack.kafka().bootstrapServers(),
                        "spring.kafka.consumer.group-id=card-service",
                        "spring.kafka.consumer.auto-offset-reset=earliest",
                        // Only what the dedup app's transactions committed.
                        "spring.kafka.consumer.isolation-level=read_committed")
                .run();
    }
}

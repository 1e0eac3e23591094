package io.onceonly.spring.example;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The example service: pays ({@link PaymentService}, writing its event through the outbox in the
 * payment's transaction) and issues a card per payment ({@link CardIssuer}, a {@code @KafkaListener}
 * that claims the biz-id). Its configuration is what a service adds: a data source, Flyway with
 * Once's scripts, a Kafka consumer; {@code once-spring-boot} does the rest.
 */
@SpringBootApplication
public class ExampleApplication {
}

package io.onceonly.testkit;

import java.util.Locale;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka and PostgreSQL together, the servers every Once test and the demo run on.
 *
 * <pre>{@code
 * try (TestStack stack = TestStack.start()) {
 *     String bootstrap = stack.kafka().bootstrapServers();
 *     DataSource db = stack.postgres().dataSource();
 * }
 * }</pre>
 *
 * In JUnit 5 tests, prefer {@link WithStack}, which shares one stack per test class or per JVM.
 */
public final class TestStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestStack.class);

    private final StackKind kind;
    private final KafkaService kafka;
    private final PostgresService postgres;

    private TestStack(StackKind kind, KafkaService kafka, PostgresService postgres) {
        this.kind = kind;
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** Starts the kind named by {@code -Donce.stack} (embedded by default), with durable PostgreSQL. */
    public static TestStack start() {
        return start(StackKind.fromSystemProperty());
    }

    /**
     * Starts a stack of {@code kind}, with durable PostgreSQL.
     *
     * @throws IllegalStateException in one sentence when containers are asked for and no Docker engine answers
     */
    public static TestStack start(StackKind kind) {
        long started = System.nanoTime();
        TestStack stack;
        if (kind == StackKind.CONTAINERS) {
            DockerEngine.requireAvailable();
            ContainerPostgres postgres = ContainerPostgres.start();
            stack = new TestStack(kind, startOrClose(ContainerKafka::start, postgres), postgres);
        } else {
            Postgres postgres = Postgres.create().start();
            stack = new TestStack(kind, startOrClose(() -> KafkaBroker.create().start(), postgres), postgres);
        }
        LOG.info("{} stack up in {} ms: kafka {}, postgres {}", kind.name().toLowerCase(Locale.ROOT),
                (System.nanoTime() - started) / 1_000_000, stack.kafka.bootstrapServers(), stack.postgres.jdbcUrl());
        return stack;
    }

    private static KafkaService startOrClose(Supplier<KafkaService> kafka, PostgresService started) {
        try {
            return kafka.get();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** Which kind of servers this stack runs on. */
    public StackKind kind() {
        return kind;
    }

    /** The Kafka cluster. */
    public KafkaService kafka() {
        return kafka;
    }

    /** The PostgreSQL server. */
    public PostgresService postgres() {
        return postgres;
    }

    /** Stops Kafka, then PostgreSQL. */
    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}

package io.onceonly.stack;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka and PostgreSQL together, the servers the demo, the benchmarks and every Once test run on.
 *
 * <pre>{@code
 * try (ServerStack stack = ServerStack.embedded()) {
 *     String bootstrap = stack.kafka().bootstrapServers();
 *     DataSource db = stack.postgres().dataSource();
 * }
 * }</pre>
 *
 * Tests take the testkit's {@code TestStack}, a stack of this kind that may also run on containers.
 */
public class ServerStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerStack.class);

    private final KafkaService kafka;
    private final PostgresService postgres;

    private ServerStack(KafkaService kafka, PostgresService postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** For a stack that adds to {@code started}: takes over its servers, which it then closes. */
    protected ServerStack(ServerStack started) {
        this(started.kafka, started.postgres);
    }

    /** Starts an in-process KRaft broker and a PostgreSQL 17 child process, with durable PostgreSQL. */
    public static ServerStack embedded() {
        return start("embedded", () -> Postgres.create().start(), () -> KafkaBroker.create().start());
    }

    /**
     * Starts PostgreSQL, then Kafka; when Kafka fails to start, stops PostgreSQL again before throwing.
     *
     * @param kind what the servers are, for the log line
     */
    public static ServerStack start(String kind, Supplier<? extends PostgresService> postgres, Supplier<? extends KafkaService> kafka) {
        long started = System.nanoTime();
        PostgresService startedPostgres = postgres.get();
        KafkaService startedKafka;
        try {
            startedKafka = kafka.get();
        } catch (RuntimeException e) {
            startedPostgres.close();
            throw e;
        }
        LOG.info("{} stack up in {} ms: kafka {}, postgres {}", kind, (System.nanoTime() - started) / 1_000_000,
                startedKafka.bootstrapServers(), startedPostgres.jdbcUrl());
        return new ServerStack(startedKafka, startedPostgres);
    }

    /** The Kafka cluster. */
    public final KafkaService kafka() {
        return kafka;
    }

    /** The PostgreSQL server. */
    public final PostgresService postgres() {
        return postgres;
    }

    /** Stops Kafka, then PostgreSQL. */
    @Override
    public final void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}

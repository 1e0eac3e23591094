package io.onceonly.testkit;

import java.util.Locale;

import io.onceonly.stack.ServerStack;

/**
 * Kafka and PostgreSQL together for a test, on the kind of servers {@code -Donce.stack} selects.
 *
 * <pre>{@code
 * try (TestStack stack = TestStack.start()) {
 *     String bootstrap = stack.kafka().bootstrapServers();
 *     DataSource db = stack.postgres().dataSource();
 * }
 * }</pre>
 *
 * In JUnit 5 tests, prefer {@link WithStack}, which shares one stack per test class or per JVM.
 * A {@code TestStack} is a {@link ServerStack}, so it can be handed to code that runs on one.
 */
public final class TestStack extends ServerStack {

    private final StackKind kind;

    private TestStack(StackKind kind, ServerStack servers) {
        super(servers);
        this.kind = kind;
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
        if (kind == StackKind.CONTAINERS) {
            DockerEngine.requireAvailable();
            return new TestStack(kind, ServerStack.start(kind.name().toLowerCase(Locale.ROOT), ContainerPostgres::start,
                    ContainerKafka::start));
        }
        return new TestStack(kind, ServerStack.embedded());
    }

    /** Which kind of servers this stack runs on. */
    public StackKind kind() {
        return kind;
    }
}

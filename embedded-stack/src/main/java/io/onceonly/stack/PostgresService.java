package io.onceonly.stack;

import javax.sql.DataSource;

/**
 * A PostgreSQL server with {@code wal_level=logical}, reachable on loopback: embedded
 * ({@link Postgres}) or in a container (the testkit's {@code ContainerPostgres}).
 */
public interface PostgresService extends AutoCloseable {

    /** Host to connect to (loopback for the embedded server). */
    String host();

    /** Port the server listens on; stays the same across {@link #restart()}. */
    int port();

    /** Database name. */
    String database();

    /** A superuser that may also open replication connections. */
    String username();

    /** The user's password. */
    String password();

    /** {@code jdbc:postgresql://host:port/database}; credentials are {@link #username()} and {@link #password()}. */
    default String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database();
    }

    /** A pooled data source on {@link #jdbcUrl()}; it reconnects after {@link #restart()}. */
    DataSource dataSource();

    /** Stops the server and starts it again on the same port and data; committed rows survive. */
    void restart();

    /** Stops the server and removes data it created. */
    @Override
    void close();
}

package io.onceonly.stack;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The pool every {@link PostgresService} hands out, sized for tests with a few concurrent writers. */
public final class PooledDataSource {

    private PooledDataSource() {
    }

    /** A pool named {@code poolName} on {@code server}, created even while the server is not up yet. */
    public static HikariDataSource open(PostgresService server, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(server.username());
        config.setPassword(server.password());
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(30_000);
        // Fail fast is wrong here: a test may create the pool while the server restarts.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}

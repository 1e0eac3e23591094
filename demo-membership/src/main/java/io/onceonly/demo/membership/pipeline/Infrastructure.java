package io.onceonly.demo.membership.pipeline;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.onceonly.testkit.StackKind;
import io.onceonly.testkit.TestStack;

/**
 * The Kafka cluster and the PostgreSQL database the demo runs on: the testkit's embedded ones (a
 * real KRaft broker in this JVM and a real PostgreSQL 17 child process, durable commits), or the
 * user's own.
 */
public final class Infrastructure implements AutoCloseable {

    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final AutoCloseable owned;

    private Infrastructure(String bootstrapServers, String jdbcUrl, String user, String password, DataSource dataSource,
                           AutoCloseable owned) {
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.owned = owned;
    }

    /** Starts an embedded Kafka broker and PostgreSQL; {@link #close()} stops them and deletes their data. */
    public static Infrastructure startEmbedded() {
        TestStack stack = TestStack.start(StackKind.EMBEDDED);
        return new Infrastructure(stack.kafka().bootstrapServers(), stack.postgres().jdbcUrl(), stack.postgres().username(),
                stack.postgres().password(), stack.postgres().dataSource(), stack);
    }

    /** The user's Kafka and PostgreSQL (which needs {@code wal_level=logical} and a user allowed to replicate). */
    public static Infrastructure external(String bootstrapServers, String jdbcUrl, String user, String password) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(24);
        pool.setPoolName("once-demo");
        HikariDataSource dataSource = new HikariDataSource(pool);
        return new Infrastructure(bootstrapServers, jdbcUrl, user, password, dataSource, dataSource);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A pool on the database. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}

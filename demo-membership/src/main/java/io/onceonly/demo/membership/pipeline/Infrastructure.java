package io.onceonly.demo.membership.pipeline;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.onceonly.stack.ServerStack;

/**
 * The Kafka cluster and the PostgreSQL database the demo runs on: embedded-stack's (a
 * real KRaft broker in this JVM and a real PostgreSQL 17 child process, durable commits), or the
 * user's own.
 */
public final class Infrastructure implements AutoCloseable {

    private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private final Map<String, String> kafka;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final AutoCloseable owned;

    private Infrastructure(Map<String, String> kafka, String jdbcUrl, String user, String password, DataSource dataSource,
                           AutoCloseable owned) {
        this.kafka = Map.copyOf(kafka);
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.owned = owned;
    }

    /** Starts an embedded Kafka broker and PostgreSQL; {@link #close()} stops them and deletes their data. */
    public static Infrastructure startEmbedded() {
        ServerStack stack = ServerStack.embedded();
        return new Infrastructure(Map.of(BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers()), stack.postgres().jdbcUrl(),
                stack.postgres().username(),
                stack.postgres().password(), stack.postgres().dataSource(), stack);
    }

    /**
     * The user's Kafka and PostgreSQL (which needs {@code wal_level=logical} and a user allowed to replicate).
     *
     * @param kafka the Kafka client settings: {@code bootstrap.servers}, and security settings if the cluster wants them
     */
    public static Infrastructure external(Map<String, String> kafka, String jdbcUrl, String user, String password) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(24);
        pool.setPoolName("once-demo");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + jdbcUrl + " as " + user + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + " (check --database.url, --database.user, --database.password)", e);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show wal_level")) {
            rs.next();
            if (!rs.getString(1).equals("logical")) {
                dataSource.close();
                throw new IllegalStateException("PostgreSQL at " + jdbcUrl + " has wal_level=" + rs.getString(1)
                        + "; the relay reads the outbox from the WAL and needs wal_level=logical (set it, restart the server)");
            }
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot read wal_level from PostgreSQL at " + jdbcUrl + ": " + e.getMessage(), e);
        }
        return new Infrastructure(kafka, jdbcUrl, user, password, dataSource, dataSource);
    }

    public String bootstrapServers() {
        return kafka.get(BOOTSTRAP_SERVERS);
    }

    /** The settings every Kafka client of the demo takes: {@code bootstrap.servers}, and the user's security settings. */
    public Map<String, String> kafkaClient() {
        return kafka;
    }

    /** {@link #kafkaClient()} as an app's options: each under {@code kafka.}. */
    public Map<String, String> kafkaOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        kafka.forEach((name, value) -> options.put("kafka." + name, value));
        return options;
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

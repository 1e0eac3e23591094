package io.onceonly.testkit;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.testcontainers.postgresql.PostgreSQLContainer;

import io.onceonly.stack.FreePort;
import io.onceonly.stack.PooledDataSource;
import io.onceonly.stack.PortWait;
import io.onceonly.stack.PostgresService;

/**
 * PostgreSQL 17 in a Docker container, started with {@code wal_level=logical} and durable
 * settings, its port bound to a fixed loopback port so that {@link #restart()} keeps it.
 */
public final class ContainerPostgres implements PostgresService {

    /** The image used; the same major version as the embedded server. */
    public static final String IMAGE = "postgres:17";

    private final PostgreSQLContainer container;
    private final int port;
    private HikariDataSource dataSource;

    private ContainerPostgres() {
        this.port = FreePort.next();
        this.container = new PostgreSQLContainer(IMAGE)
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_wal_senders=16",
                        "-c", "max_replication_slots=16", "-c", "max_connections=200",
                        "-c", "fsync=on", "-c", "synchronous_commit=on");
        container.setPortBindings(List.of("127.0.0.1:" + port + ":5432"));
    }

    /** Starts a container; fails with one sentence when no Docker engine answers. */
    public static ContainerPostgres start() {
        DockerEngine.requireAvailable();
        ContainerPostgres pg = new ContainerPostgres();
        pg.container.start();
        return pg;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String database() {
        return container.getDatabaseName();
    }

    @Override
    public String username() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public synchronized DataSource dataSource() {
        if (dataSource == null) {
            dataSource = PooledDataSource.open(this, "once-testkit-pg-container-" + port);
        }
        return dataSource;
    }

    @Override
    public synchronized void restart() {
        container.getDockerClient().restartContainerCmd(container.getContainerId()).exec();
        PortWait.until(host(), port, "PostgreSQL container " + container.getContainerId());
        if (dataSource != null) {
            dataSource.getHikariPoolMXBean().softEvictConnections();
        }
    }

    @Override
    public synchronized void close() {
        if (dataSource != null) {
            dataSource.close();
        }
        container.stop();
    }
}

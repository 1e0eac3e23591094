package io.onceonly.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server from io.zonky's binaries, started as a child process on 127.0.0.1
 * with {@code wal_level=logical}. No Docker, nothing to install.
 *
 * <p>Durable by default ({@code fsync=on}, {@code synchronous_commit=on}, {@code full_page_writes=on}):
 * fault tests kill processes and then count committed rows, so the server must not lose commits.
 * {@link Builder#fast()} turns all three off for tests that only need speed; a crash of the
 * server itself may then lose recent commits.
 */
public final class Postgres implements PostgresService {

    private static final Logger LOG = LoggerFactory.getLogger(Postgres.class);

    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final boolean durable;
    private final int port;
    private final Map<String, String> serverConfig;
    private EmbeddedPostgres server;
    private HikariDataSource dataSource;

    private Postgres(Builder b) {
        this.durable = b.durable;
        this.ownsDataDirectory = b.dataDirectory == null;
        try {
            this.dataDirectory = ownsDataDirectory ? Files.createTempDirectory("once-pg-") : b.dataDirectory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL data directory", e);
        }
        this.port = b.port != 0 ? b.port : FreePort.next();
        this.serverConfig = Map.copyOf(b.serverConfig);
    }

    /** A durable server on a free port with a fresh data directory, not started yet. */
    public static Postgres create() {
        return builder().build();
    }

    /** A builder; {@link Builder#build()} makes a server, {@link #start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    private void boot() {
        Map<String, String> settings = settings();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                // We own the directory's life: restart() must find the data where it left it.
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60));
        settings.forEach(builder::setServerConfig);
        long started = System.nanoTime();
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start on 127.0.0.1:" + port + " with data in " + dataDirectory, e);
        }
        LOG.info("PostgreSQL {} on 127.0.0.1:{} ({}), data in {}, up in {} ms", "17", port,
                durable ? "durable" : "fast, may lose commits on a server crash", dataDirectory,
                (System.nanoTime() - started) / 1_000_000);
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "127.0.0.1");
        s.put("wal_level", "logical");
        s.put("max_wal_senders", "16");
        s.put("max_replication_slots", "16");
        s.put("max_connections", "200");
        s.put("timezone", "UTC");
        // zonky starts postgres with -F (fsync off) and synchronous_commit=off; -c settings come later and win.
        String on = durable ? "on" : "off";
        s.put("fsync", on);
        s.put("synchronous_commit", on);
        s.put("full_page_writes", on);
        s.putAll(serverConfig);
        return s;
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
        return "postgres";
    }

    /** The superuser {@code postgres}; authentication is {@code trust} on loopback. */
    @Override
    public String username() {
        return "postgres";
    }

    /** Any password is accepted ({@code trust}); this one is what client configs get. */
    @Override
    public String password() {
        return "postgres";
    }

    /** Whether commits are flushed to disk before they are acknowledged. */
    public boolean durable() {
        return durable;
    }

    /** The data directory; it survives {@link #restart()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public synchronized DataSource dataSource() {
        if (dataSource == null) {
            dataSource = PooledDataSource.open(this, "once-testkit-pg-" + port);
        }
        return dataSource;
    }

    /** Stops the server (fast shutdown: sessions are ended, committed data is kept). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL on port " + port + " did not stop", e);
        } finally {
            server = null;
        }
        if (dataSource != null) {
            dataSource.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /**
     * Immediate shutdown, as a power cut or {@code pg_ctl stop -m immediate} does: SIGQUIT to the
     * postmaster, no checkpoint; committed transactions are recovered from the WAL at the next
     * {@link #start()}. Sessions and replication connections end at once.
     */
    public synchronized void crash() {
        if (server == null) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the postmaster's pid in " + dataDirectory, e);
        }
        try {
            Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
            quit.waitFor();
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal the postmaster " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while crashing PostgreSQL", e);
        }
        LOG.info("PostgreSQL on 127.0.0.1:{} shut down immediately (SIGQUIT to postmaster {})", port, pid);
        // Releases zonky's lock on the data directory; its own stop finds no server and only says so.
        stop();
    }

    /**
     * Starts the server, or a stopped one again on the same port and data directory. Does nothing
     * when it runs.
     *
     * @return this server
     */
    public synchronized Postgres start() {
        if (server == null) {
            boot();
        }
        return this;
    }

    @Override
    public synchronized void restart() {
        stop();
        boot();
    }

    @Override
    public synchronized void close() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
        stop();
        if (ownsDataDirectory) {
            DataDirectories.delete(dataDirectory);
        }
    }

    @Override
    public String toString() {
        return "Postgres[127.0.0.1:" + port + ", " + (durable ? "durable" : "fast") + "]";
    }

    /** Options of an embedded {@link Postgres}. */
    public static final class Builder {
        private boolean durable = true;
        private Path dataDirectory;
        private int port;
        private final Map<String, String> serverConfig = new LinkedHashMap<>();

        private Builder() {
        }

        /** fsync, synchronous_commit and full_page_writes off: faster, but a server crash may lose commits. */
        public Builder fast() {
            this.durable = false;
            return this;
        }

        /** Keep data in {@code dir} (created if missing, reused if it holds a cluster, never deleted). */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = dir;
            return this;
        }

        /** Listen on {@code port} instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Any server setting ({@code postgres -c key=value}), over the ones this class sets; kept across
         * {@link Postgres#restart()}. For TLS: {@code ssl=on} with {@code ssl_cert_file} and {@code ssl_key_file}
         * (mode 0600); to refuse connections without TLS, {@code hba_file} naming a file of {@code hostssl} lines
         * only ({@code hostssl replication ...} for the replication stream).
         */
        public Builder serverConfig(String key, String value) {
            this.serverConfig.put(key, value);
            return this;
        }

        /** The server, not started yet: call {@link Postgres#start()}. */
        public Postgres build() {
            return new Postgres(this);
        }
    }
}

package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.source.DatabaseUnavailableException;
import io.onceonly.connector.source.SourceDatabase;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.stack.Postgres;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The start-up checks wait for a database that is not up yet and fail at once on a setting that
 * cannot work. Stops the embedded PostgreSQL and changes its pg_hba.conf, so it has its own stack.
 */
@WithStack
class StartRetryIT {

    private static final String LOCKED_USER = "once_locked";

    private static TestStack stack;
    private static Postgres postgres;

    @BeforeAll
    static void setUp(TestStack testStack) throws Exception {
        assumeTrue(testStack.postgres() instanceof Postgres, "stops and starts the server: needs the embedded PostgreSQL");
        stack = testStack;
        postgres = (Postgres) testStack.postgres();
        try (Connection c = postgres.dataSource().getConnection()) {
            OutboxSchema.install(c);
        }
        // The embedded server trusts every loopback login; one user must show its password to be refused.
        Path hba = postgres.dataDirectory().resolve("pg_hba.conf");
        Files.writeString(hba, "host all " + LOCKED_USER + " 127.0.0.1/32 scram-sha-256\n"
                + Files.readString(hba, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        ConnectorFixture.sql(postgres, "create role " + LOCKED_USER + " login replication password 'the-right-one'",
                "select pg_reload_conf()");
    }

    @AfterAll
    static void serverUp() {
        if (postgres != null) {
            postgres.start();
        }
    }

    @Test
    void aDatabaseThatComesUpAfterTheStartIsWaitedFor() throws Exception {
        SourceDatabase database = new SourceDatabase(config("retry_late", Map.of("database.start.timeout.ms", "120000")));
        postgres.stop();
        CompletableFuture<Void> prepared;
        try {
            prepared = CompletableFuture.runAsync(database::prepare);
            Thread.sleep(4_000);
            assertThat(prepared).as("prepare() while the server is down").isNotDone();
        } finally {
            postgres.start();
        }

        prepared.get(60, TimeUnit.SECONDS);
        assertThat(query("select count(*) from pg_publication where pubname = 'retry_late'")).isEqualTo("1");
    }

    @Test
    void aDatabaseThatStaysDownFailsAfterTheTimeoutAsNoConfigurationError() {
        postgres.stop();
        try {
            assertThatThrownBy(() -> new SourceDatabase(config("retry_down", Map.of("database.start.timeout.ms", "2000"))).prepare())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .isNotInstanceOf(ConfigException.class)
                    .hasMessageContaining("was not usable as postgres after")
                    .hasMessageContaining("attempts in")
                    .hasMessageContaining("database.start.timeout.ms=2000")
                    .hasMessageContaining("SQLState 08001");

            Map<String, String> options = ConnectorFixture.options(stack, "retry_exit", Map.of("database.start.timeout.ms", "1000"));
            assertThat(OutboxConnectorApp.run(ConnectorFixture.args(options))).as("exit code").isEqualTo(1);
        } finally {
            postgres.start();
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceAsAConfigurationError() {
        Map<String, String> wrong = new HashMap<>();
        wrong.put("database.user", LOCKED_USER);
        wrong.put("database.password", "a-wrong-one");
        wrong.put("database.start.timeout.ms", "120000");
        long started = System.nanoTime();

        assertThatThrownBy(() -> new SourceDatabase(config("retry_password", wrong)).prepare())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.password")
                .hasMessageContaining("is not accepted for user " + LOCKED_USER)
                .hasMessageNotContaining("a-wrong-one");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("seconds to fail").isLessThan(30);

        assertThat(OutboxConnectorApp.run(ConnectorFixture.args(ConnectorFixture.options(stack, "retry_password", wrong))))
                .as("exit code").isEqualTo(2);
    }

    @Test
    void anUnknownDatabaseFailsAtOnceNamingTheUrl() {
        Map<String, String> unknown = Map.of("database.url", postgres.jdbcUrl().replaceAll("/[^/]+$", "/no_such_db"),
                "database.start.timeout.ms", "120000");

        assertThatThrownBy(() -> new SourceDatabase(config("retry_unknown_db", unknown)).prepare())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.url")
                .hasMessageContaining("names a database that does not exist");
    }

    private static ConnectorConfig config(String id, Map<String, String> extra) {
        return ConnectorFixture.config(ConnectorFixture.options(stack, id, extra));
    }

    private static String query(String sql) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

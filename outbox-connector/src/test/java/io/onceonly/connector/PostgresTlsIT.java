package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.contracts.wire.EventMetadata;
import io.onceonly.stack.Await;
import io.onceonly.stack.CertificateAuthority;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.Postgres;
import io.onceonly.stack.TopicReader;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * TLS to PostgreSQL: the driver parameters of {@code database.url} reach every connection, the
 * replication stream included. The server (one for the class, beside the testkit's Kafka) has
 * certificates made in the test and a pg_hba.conf of {@code hostssl} lines only, so a connection
 * without TLS is refused; the connector's user must also show a client certificate on every
 * connection, so the relay relays only if {@code sslcert}, {@code sslkey} and {@code sslpassword}
 * reached Debezium's. (pg_hba's {@code replication} keyword cannot single out the stream: it
 * matches physical replication only, and a logical one matches its database.)
 */
@WithStack
class PostgresTlsIT {

    private static final String KEY_PASSWORD = "pk8-" + UUID.randomUUID();
    private static final String USER = "relay";

    @TempDir
    static Path dir;

    private static TestStack stack;
    private static Postgres tls;
    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static Path clientCert;

    @BeforeAll
    static void start(TestStack testStack) throws Exception {
        stack = testStack;
        ca = CertificateAuthority.authority(dir, "once-test-ca");
        otherCa = CertificateAuthority.authority(dir, "other-ca");
        Path serverCert = ca.server("server");
        clientCert = ca.client("client", USER, KEY_PASSWORD);
        Path hba = dir.resolve("pg_hba.conf");
        Files.writeString(hba, String.join("\n",
                "hostssl all " + USER + " 127.0.0.1/32 cert",
                "hostssl all all 127.0.0.1/32 trust",
                "hostssl all all ::1/128 trust", ""), StandardCharsets.US_ASCII);
        tls = Postgres.builder().fast()
                .serverConfig("ssl", "on")
                .serverConfig("ssl_cert_file", serverCert.toString())
                .serverConfig("ssl_key_file", dir.resolve("server.key").toString())
                .serverConfig("ssl_ca_file", ca.certificate().toString())
                .serverConfig("hba_file", hba.toString())
                .build().start();
        ConnectorFixture.installOutbox(tls);
        ConnectorFixture.sql(tls, "create role " + USER + " login superuser replication");
    }

    @AfterAll
    static void stop() {
        if (tls != null) {
            tls.close();
        }
    }

    private static String url(String query) {
        return tls.jdbcUrl() + "?" + query;
    }

    private static String verifyFull(Path rootCert) {
        return "sslmode=verify-full&sslrootcert=" + rootCert + "&sslcert=" + clientCert
                + "&sslkey=" + dir.resolve("client.pk8") + "&sslpassword=" + KEY_PASSWORD;
    }

    private static Map<String, String> options(String id, String url) {
        return ConnectorSettings.of(url, USER, "", stack.kafka().bootstrapServers())
                .instance(id).with(ConnectorOptions.HTTP_PORT, "-1").with(ConnectorOptions.DATABASE_START_TIMEOUT_MS, "0")
                .options();
    }

    @Test
    void verifyFullRelaysAndTheReplicationStreamRunsOverTlsWithTheClientCertificate() throws Exception {
        Map<String, String> options = options("tls_it", url(verifyFull(ca.certificate())));
        try (OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options)).start()) {
            Await.until("the engine runs", Duration.ofSeconds(60), connector::isRunning);
            UUID first = ConnectorFixture.insertRaw(tls, "tls", "{\"n\":1}");
            UUID second = ConnectorFixture.insertRaw(tls, "tls", "{\"n\":2}");
            List<ConsumerRecord<byte[], byte[]>> relayed = TopicReader.read(stack.kafka(), "outbox.tls", 2,
                    Duration.ofSeconds(90), Duration.ZERO);
            assertThat(relayed).extracting(r -> EventMetadata.of(r).eventId()).containsExactly(first, second);

            try (Connection c = tls.dataSource().getConnection();
                    PreparedStatement q = c.prepareStatement("select s.ssl, s.client_dn from pg_replication_slots r"
                            + " join pg_stat_ssl s on s.pid = r.active_pid where r.slot_name = ?")) {
                q.setString(1, "tls_it");
                try (ResultSet rs = q.executeQuery()) {
                    assertThat(rs.next()).as("a walsender streams slot tls_it").isTrue();
                    assertThat(rs.getBoolean(1)).as("the walsender's connection uses TLS").isTrue();
                    assertThat(rs.getString(2)).as("the walsender's client certificate").isEqualTo("/CN=" + USER);
                }
            }
            assertThat(connector.health().up()).as("%s", connector.health().details()).isTrue();
        }
    }

    @Test
    void aWrongRootCertificateStopsTheStartWithExitCode2NamingTls() throws Exception {
        Path log = Path.of("target", "postgres-tls-it-wrong-ca.log");
        List<String> args = List.of(ConnectorFixture.args(options("tls_wrong_ca", url(verifyFull(otherCa.certificate())))));
        try (ChildJvm relay = ChildJvm.start("relay-wrong-ca", OutboxConnectorApp.class.getName(), args, Map.of(), log)) {
            assertThat(relay.awaitExit(Duration.ofSeconds(120))).as("exit code; log in %s", log).isEqualTo(2);
        }
        String output = Files.readString(log);
        assertThat(output).contains("Configuration error: ", "database.url", "TLS", "sslrootcert")
                .doesNotContain(KEY_PASSWORD);
    }

    @Test
    void withoutTlsTheServerRefusesAndTheStartSaysTlsIsRequired() {
        Map<String, String> options = options("tls_disabled", url("sslmode=disable"));
        OutboxConnector connector = new OutboxConnector(ConnectorFixture.config(options));
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(connector::start)
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining("database.url").hasMessageContaining("TLS").hasMessageContaining("sslmode");
        } finally {
            connector.close();
        }
    }
}

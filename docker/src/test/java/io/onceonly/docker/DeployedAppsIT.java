package io.onceonly.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.contracts.OutboxSchema;
import io.onceonly.dedup.DedupApp;
import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.payment.PaymentClient;
import io.onceonly.demo.membership.payment.Purchase;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.FreePort;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The four apps deployed as compose.yaml deploys them, each in its own JVM: every one connects as
 * the role docker/postgres/roles.sql gives it (no superuser, no CREATE outside its own schema) and
 * a payment still becomes a card; and every one starts with secrets in each place an option can
 * hold one (the properties file, {@code ONCE_*} variables, arguments; inside a URL, a JAAS config,
 * key material, a token), and nothing it printed, from start to SIGTERM, nor its {@code /health}
 * and {@code /metrics}, holds one, nor the output of a start that fails.
 */
@WithStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedAppsIT {

    private static final Path DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path LOGS = DIR.resolve("target/deployed-apps");
    /** Every secret value holds this, and nothing an app shows may. */
    private static final String SECRET = "s3cret";
    private static final String DATABASE = "least_privilege";
    private static final List<String> ROLES = List.of("once_connector", "once_payment", "once_card");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PostgresService pg;
    private static String url;
    private static final Map<String, ChildJvm> apps = new LinkedHashMap<>();
    private static final Map<String, Integer> ports = new LinkedHashMap<>();

    @BeforeAll
    static void deployAsComposeDoes(TestStack stack) throws Exception {
        pg = stack.postgres();
        Files.createDirectories(LOGS);
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        }
        url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + DATABASE;
        try (Connection owner = DriverManager.getConnection(url, pg.username(), pg.password())) {
            // As the postgres image's init does: contracts' outbox.sql (10-outbox.sql), then roles.sql (20-roles.sh).
            for (String ddl : PsqlScript.statements(resource(OutboxSchema.OUTBOX_RESOURCE), Map.of())) {
                run(owner, ddl);
            }
            for (String sql : PsqlScript.statements(Files.readString(DIR.resolve("postgres/roles.sql")), Map.of(
                    "connector_password", SECRET + "-connector-role", "payment_password", SECRET + "-payment-role",
                    "card_password", SECRET + "-card-role"))) {
                run(owner, sql);
            }
        }
        String kafka = stack.kafka().bootstrapServers();
        stack.kafka().createTopic("leastpriv.outbox.payment", 2);

        start("connector", OutboxConnectorApp.class.getName(), List.of(),
                Map.of("database.user", "once_connector",
                        "kafka.ssl.key.password", SECRET + "-file-connector"),
                Map.of("ONCE_KAFKA_SASL_JAAS_CONFIG", jaas("relay", SECRET + "-env-connector")),
                List.of("--database.url=" + url + "?password=" + SECRET + "-connector-role",
                        "--kafka.bootstrap.servers=" + kafka, "--kafka.ssl.truststore.password=" + SECRET + "-arg-connector",
                        "--slot.name=least_privilege", "--publication.name=once_outbox", "--heartbeat.table=public.once_heartbeat",
                        "--heartbeat.interval.ms=1000", "--topic.prefix=leastpriv.outbox.",
                        "--offset.storage.topic=leastpriv-offsets", "--name=least-privilege"));
        start("dedup", DedupApp.class.getName(), List.of(),
                Map.of("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\\n" + SECRET + "-file-dedup\\n-----END PRIVATE KEY-----"),
                Map.of("ONCE_KAFKA_SASL_JAAS_CONFIG", jaas("dedup", SECRET + "-env-dedup")),
                List.of("--kafka.bootstrap.servers=" + kafka, "--application.id=leastpriv-dedup",
                        "--input.topics=leastpriv.outbox.payment", "--output.mapping=leastpriv.outbox.payment:leastpriv.deduped.payment",
                        "--state.dir=" + Files.createTempDirectory("once-leastpriv-dedup"),
                        "--http.lookup.token=" + SECRET + "-arg-dedup-token"));
        start("payment", MembershipServices.class.getName(), List.of(MembershipServices.PAYMENT_SERVICE),
                Map.of("database.password", SECRET + "-payment-role"),
                Map.of("ONCE_DATABASE_USER", "once_payment"),
                List.of("--database.url=" + url, "--outbox.schema=public"));
        start("card", MembershipServices.class.getName(), List.of(MembershipServices.CARD_SERVICE),
                Map.of("database.user", "once_card"),
                Map.of("ONCE_DATABASE_PASSWORD", SECRET + "-card-role",
                        "ONCE_KAFKA_SASL_JAAS_CONFIG", jaas("card", SECRET + "-env-card")),
                List.of("--database.url=" + url, "--kafka.bootstrap.servers=" + kafka, "--topic=leastpriv.deduped.payment"));
        for (String app : apps.keySet()) {
            Await.healthy(app + " as its own role", health(app), Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() {
        apps.values().forEach(ChildJvm::close);
    }

    @Test
    @Order(1)
    void noRoleIsASuperuserNorMayCreateOutsideItsOwnSchema() throws SQLException {
        try (Connection owner = DriverManager.getConnection(url, pg.username(), pg.password())) {
            for (String role : ROLES) {
                assertThat(single(owner, "select rolsuper or rolcreatedb or rolcreaterole from pg_roles where rolname = ?", role))
                        .as("%s is a superuser or may create databases or roles", role).isFalse();
                assertThat(single(owner, "select has_database_privilege(?, current_database(), 'CREATE')", role))
                        .as("%s may create schemas", role).isFalse();
                assertThat(single(owner, "select has_schema_privilege(?, 'public', 'CREATE')", role))
                        .as("%s may create in schema public", role).isFalse();
            }
            assertThat(single(owner, "select has_table_privilege(?, 'public.outbox', 'SELECT')", "once_payment"))
                    .as("the payment service may read the outbox; it needs only to insert").isFalse();
            assertThat(single(owner, "select has_table_privilege(?, 'public.outbox', 'DELETE')", "once_connector"))
                    .as("the connector may delete from the outbox without outbox.retention").isFalse();
        }
    }

    @Test
    @Order(2)
    void aPaymentBecomesOneCardWithEachAppConnectedAsItsRole() throws Exception {
        PaymentClient payments = new PaymentClient(URI.create("http://localhost:" + ports.get("payment")));
        payments.openAccounts(List.of("least-privileged-user"), 10_000);
        Purchase purchase = payments.purchase(UUID.randomUUID().toString(), "least-privileged-user", "gold", 2_500);
        assertThat(purchase.outcome()).isEqualTo(Purchase.Outcome.COMPLETED);

        try (Connection owner = DriverManager.getConnection(url, pg.username(), pg.password())) {
            Await.until("a card for payment " + purchase.paymentId(), Duration.ofSeconds(90),
                    () -> count(owner, "select count(*) from " + CardSchema.CARD + " where payment_id = '" + purchase.paymentId() + "'") == 1);
            assertThat(count(owner, "select count(*) from " + CardSchema.CARD)).isOne();
            assertThat(count(owner, "select count(*) from pg_tables where schemaname = '" + DemoNames.CARD_SCHEMA + "' and tableowner = 'once_card'"))
                    .as("the card service made its tables in its own schema, as their owner").isEqualTo(2);
        }
    }

    @Test
    @Order(3)
    void nothingAnAppPrintedOrServesHoldsASecretFromStartToStop() throws Exception {
        Map<String, String> shown = new LinkedHashMap<>();
        for (String app : apps.keySet()) {
            shown.put(app + " /health", get("http://localhost:" + ports.get(app) + "/health"));
            shown.put(app + " /metrics", get("http://localhost:" + ports.get(app) + "/metrics"));
        }
        shown.put("dedup /biz-ids without the token", get("http://localhost:" + ports.get("dedup") + "/biz-ids/x"));
        for (Map.Entry<String, ChildJvm> app : apps.entrySet()) {
            assertThat(app.getValue().terminate(Duration.ofSeconds(60))).as("%s exit code after SIGTERM", app.getKey()).isZero();
            shown.put(app.getKey() + " output", Files.readString(app.getValue().log()));
        }

        assertThat(shown.get("connector output")).as("the connector printed its options at start").contains("[hidden]");
        shown.forEach((what, text) -> assertThat(secretsIn(text)).as("secrets in the %s", what).isEmpty());
    }

    @Test
    @Order(4)
    void aStartThatFailsPrintsNoSecretEither() throws Exception {
        String closed = "jdbc:postgresql://127.0.0.1:" + FreePort.next() + "/" + DATABASE;
        for (String app : List.of("connector", "payment", "dedup", "card", "payment-kafka")) {
            Files.deleteIfExists(LOGS.resolve(app + "-failing.log"));
        }
        Map<String, ChildJvm> failing = new LinkedHashMap<>();
        failing.put("connector", ChildJvm.start("connector-no-database", OutboxConnectorApp.class.getName(), ownLogging(OutboxConnectorApp.class.getName()),
                List.of("--database.url=" + closed + "?password=" + SECRET + "-url&sslpassword=" + SECRET + "-ssl",
                        "--database.user=once_connector", "--database.start.timeout.ms=2000",
                        "--kafka.bootstrap.servers=127.0.0.1:" + FreePort.next(), "--http.port=0",
                        "--kafka.sasl.jaas.config=" + jaas("relay", SECRET + "-jaas")),
                Map.of(), LOGS.resolve("connector-failing.log")));
        failing.put("payment", ChildJvm.start("payment-no-database", MembershipServices.class.getName(), ownLogging(MembershipServices.class.getName()),
                List.of(MembershipServices.PAYMENT_SERVICE, "--database.url=" + closed + "?password=" + SECRET + "-url",
                        "--database.user=once_payment", "--database.password=" + SECRET + "-option", "--http.port=0"),
                Map.of(), LOGS.resolve("payment-failing.log")));
        failing.put("dedup", ChildJvm.start("dedup-bad-option", DedupApp.class.getName(), ownLogging(DedupApp.class.getName()),
                List.of("--kafka.bootstrap.servers=127.0.0.1:9092", "--processing.guarantee=exactly_once",
                        "--http.lookup.token=" + SECRET + "-token", "--kafka.sasl.jaas.config=" + jaas("dedup", SECRET + "-jaas")),
                Map.of(), LOGS.resolve("dedup-failing.log")));
        failing.put("card", ChildJvm.start("card-bad-url", MembershipServices.class.getName(), ownLogging(MembershipServices.class.getName()),
                List.of(MembershipServices.CARD_SERVICE, "--database.url=postgres://card:" + SECRET + "-userinfo@db/cards",
                        "--database.user=once_card", "--kafka.bootstrap.servers=127.0.0.1:9092"),
                Map.of("ONCE_DATABASE_PASSWORD", SECRET + "-env"), LOGS.resolve("card-failing.log")));

        // A secret under a name the app does not take: refused for its name, so not worth quoting.
        failing.put("payment-kafka", ChildJvm.start("payment-not-its-option", MembershipServices.class.getName(),
                ownLogging(MembershipServices.class.getName()),
                List.of(MembershipServices.PAYMENT_SERVICE, "--database.url=" + url, "--database.user=once_payment"),
                Map.of("ONCE_KAFKA_SASL_JAAS_CONFIG", jaas("payment", SECRET + "-not-its-option")),
                LOGS.resolve("payment-kafka-failing.log")));
        for (Map.Entry<String, ChildJvm> app : failing.entrySet()) {
            try (ChildJvm jvm = app.getValue()) {
                assertThat(jvm.awaitExit(Duration.ofSeconds(90))).as("%s exit code", app.getKey()).isNotNull().isNotZero();
                String output = Files.readString(jvm.log());
                assertThat(output).as("%s output", app.getKey()).isNotBlank();
                assertThat(secretsIn(output)).as("secrets in the %s's output: %s", app.getKey(), output).isEmpty();
            }
        }
    }

    private static void start(String name, String mainClass, List<String> command, Map<String, String> file,
                              Map<String, String> env, List<String> args) throws IOException {
        int port = FreePort.next();
        Path config = LOGS.resolve(name + ".properties");
        Properties properties = new Properties();
        properties.putAll(file);
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "options of " + name + " with secrets");
        }
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("--config", config.toString(), "--http.port=" + port));
        all.addAll(args);
        Path log = LOGS.resolve(name + ".log");
        Files.deleteIfExists(log);
        ports.put(name, port);
        apps.put(name, ChildJvm.start(name, mainClass, ownLogging(mainClass), all, env, log));
    }

    /**
     * The logging configuration of the app's own jar: the test class path starts with this
     * module's logback-test.xml (warnings only), and a scan of what the app prints must see all
     * that it prints when deployed.
     */
    static List<String> ownLogging(String mainClass) {
        try {
            Path home = Path.of(Class.forName(mainClass).getProtectionDomain().getCodeSource().getLocation().toURI());
            String config = Files.isDirectory(home) ? home.resolve("logback.xml").toUri().toString()
                    : "jar:" + home.toUri() + "!/logback.xml";
            return List.of("-Dlogback.configurationFile=" + config);
        } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot find the jar of " + mainClass, e);
        }
    }

    private static URI health(String app) {
        return URI.create("http://localhost:" + ports.get(app) + "/health");
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** The lines of {@code text} that hold a secret. */
    private static List<String> secretsIn(String text) {
        return text.lines().filter(line -> line.contains(SECRET)).toList();
    }

    private static String get(String address) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(address)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String resource(String name) throws IOException {
        try (var in = OutboxSchema.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean single(Connection c, String sql, String role) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, role);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as("role %s exists", role).isTrue();
                return rs.getBoolean(1);
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

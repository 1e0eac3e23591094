package io.onceonly.demo.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.connector.config.ConnectorSettings;
import io.onceonly.dedup.DedupApp;
import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.payment.PaymentSchema;
import io.onceonly.demo.membership.payment.PaymentService;
import io.onceonly.demo.membership.payment.Purchase;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.demo.membership.services.MembershipServices;
import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;
import io.onceonly.stack.FreePort;
import io.onceonly.stack.KafkaBroker;
import io.onceonly.stack.Postgres;
import io.onceonly.stack.SaslSslListener;
import io.onceonly.stack.TopicReader;

/**
 * Kafka with SASL_SSL (SCRAM-SHA-512) and ACLs: the connector (both delivery guarantees), the dedup
 * app and the card service each log in as their own user on the broker's SASL_SSL listener and may
 * do only what {@link AppAcls} grants (the ACLs docker/README.md documents), and a payment still
 * becomes exactly one card. A missing ACL and a wrong password stop the app with one sentence that
 * names the failure. One broker and one PostgreSQL for the class; the apps are child JVMs with the
 * options a deployment gives them. Every decision of the broker's authorizer, allowed ones too, goes
 * to {@code target/kafka-sasl-it-authorizer.log} (logback-test.xml): what each ACL was used for.
 */
class KafkaSaslIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();
    private static final String CARD_WITHOUT_GROUP = "card-without-group";
    private static final String DEDUP_WITHOUT_TRANSACTIONS = "dedup-without-transactional-id";

    @TempDir
    static Path dir;

    private static SaslSslListener sasl;
    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static PaymentService payments;

    @BeforeAll
    static void start() throws Exception {
        sasl = SaslSslListener.create(dir);
        postgres = Postgres.builder().fast().build().start();
        kafka = KafkaBroker.builder().saslSsl(sasl).build().start();
        try (Connection c = postgres.dataSource().getConnection()) {
            PaymentSchema.install(c, "public");
        }
        payments = new PaymentService(postgres.dataSource(), "public.outbox");
        payments.openAccounts(List.of("ada", "bob"), 100_000);
        // An operator creates the event topic; the apps create only their own (offsets, outputs, internal topics).
        kafka.createTopic("outbox.payment", 1);
        kafka.createTopic("eos.outbox.payment", 1);
        for (String user : List.of(AppAcls.RELAY, AppAcls.RELAY_EXACTLY_ONCE, AppAcls.DEDUP, AppAcls.CARD, CARD_WITHOUT_GROUP,
                DEDUP_WITHOUT_TRANSACTIONS)) {
            PASSWORDS.put(user, "pw-" + UUID.randomUUID());
            sasl.addUser(kafka, user, PASSWORDS.get(user));
        }
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(AppAcls.relay(AppAcls.RELAY, "once-outbox-connector.offsets"));
        acls.addAll(AppAcls.relayExactlyOnce(AppAcls.RELAY_EXACTLY_ONCE, "eos.outbox.", "offsets-sasl_eos", "sasl_eos.relay"));
        acls.addAll(AppAcls.dedup(AppAcls.DEDUP, "once-dedup"));
        acls.addAll(AppAcls.card(AppAcls.CARD, "deduped.payment", "once-membership-demo-card-issuing"));
        acls.addAll(AppAcls.card(CARD_WITHOUT_GROUP, "deduped.payment", "some-other-group"));
        acls.addAll(AppAcls.dedup(DEDUP_WITHOUT_TRANSACTIONS, DEDUP_WITHOUT_TRANSACTIONS).stream()
                .filter(acl -> acl.pattern().resourceType() != ResourceType.TRANSACTIONAL_ID).toList());
        sasl.grant(kafka, acls);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * The relay is restarted once: a restart reads the position the first start saved and checks the existing offsets
     * topic, which needs ACLs (READ, DESCRIBE_CONFIGS) a first start does not use. (The dedup app's first start already
     * reads its changelog and checks its outputs' settings.)
     */
    @Test
    void eachAppLogsInAsItsOwnUserWithItsAclsAndAPaymentBecomesOneCard() throws Exception {
        Path log = Path.of("target", "kafka-sasl-it.log");
        int cardPort = FreePort.next();
        List<ChildJvm> apps = new ArrayList<>();
        try {
            apps.add(app("card-service", MembershipServices.class, log, with(kafkaOptions(AppAcls.CARD), "card-service",
                    "--database.url=" + postgres.jdbcUrl(), "--database.user=" + postgres.username(),
                    "--database.password=" + postgres.password(), "--http.port=" + cardPort)));
            apps.add(relay(log));
            apps.add(dedup(log));
            Purchase bought = payments.purchase("r-1", "ada", "gold", 4_900);
            payments.purchase("r-2", "bob", "silver", 2_900);
            payments.publishAgain(bought.paymentId());
            awaitCardPerPayment(cardPort, log);
            assertThat(TopicReader.read(kafka, "deduped.payment.duplicates", 1, Duration.ofSeconds(30), Duration.ZERO))
                    .as("the business resend, dropped by the dedup app").hasSize(1);

            ChildJvm first = apps.remove(1);
            assertThat(first.terminate(Duration.ofSeconds(60))).as("exit code of %s after SIGTERM (log: %s)", first, log).isZero();
            apps.add(relay(log));
            payments.purchase("r-3", "bob", "gold", 4_900);
            awaitCardPerPayment(cardPort, log);
            for (ChildJvm app : apps) {
                assertThat(app.terminate(Duration.ofSeconds(60))).as("exit code of %s after SIGTERM (log: %s)", app, log).isZero();
            }
        } finally {
            apps.forEach(ChildJvm::close);
        }
        assertNoPassword(log);
    }

    private static ChildJvm relay(Path log) {
        return app("relay", OutboxConnectorApp.class, log, ConnectorSettings.of(postgres.jdbcUrl(), "postgres", postgres.password(),
                        sasl.bootstrapServers())
                .with(ConnectorOptions.SLOT_NAME, "sasl_it").with(ConnectorOptions.PUBLICATION_NAME, "sasl_it")
                .with(ConnectorOptions.HTTP_PORT, "-1").withAll(kafkaOptions(AppAcls.RELAY)).args());
    }

    private static ChildJvm dedup(Path log) throws IOException {
        return app("dedup", DedupApp.class, log, with(kafkaOptions(AppAcls.DEDUP),
                "--state.dir=" + Files.createTempDirectory(dir, "dedup-"), "--http.port=-1", "--kafka.metadata.max.age.ms=1000"));
    }

    // Every payment of the class counts: the relay's new slot starts with a snapshot of the whole outbox table.
    private static void awaitCardPerPayment(int cardPort, Path log) throws Exception {
        long paid = count("select count(*) from " + DemoNames.PAYMENT_SCHEMA + ".payment");
        Await.until(paid + " cards issued, one per payment (log: " + log + ")", Duration.ofSeconds(120),
                () -> JSON.readTree(get("http://127.0.0.1:" + cardPort + "/health")).path("cardsIssued").asLong() >= paid);
        assertThat(count("select count(*) from " + CardSchema.CARD)).as("cards, one per payment").isEqualTo(paid);
    }

    @Test
    void theExactlyOnceRelayWritesWithItsTransactionalId() throws Exception {
        Path log = Path.of("target", "kafka-sasl-it-exactly-once.log");
        try (ChildJvm relay = app("relay-eos", OutboxConnectorApp.class, log, relayOptions(AppAcls.RELAY_EXACTLY_ONCE, "sasl_eos")
                .with(ConnectorOptions.DELIVERY_GUARANTEE, ConnectorOptions.EXACTLY_ONCE).args())) {
            payments.purchase("eos-1", "ada", "gold", 100);
            assertThat(TopicReader.read(kafka, "eos.outbox.payment", 1, Duration.ofSeconds(90), Duration.ZERO)).isNotEmpty();
            assertThat(relay.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM (log: %s)", log).isZero();
        }
        assertNoPassword(log);
    }

    @Test
    void aMissingGroupAclStopsTheCardServiceWithOneSentenceNamingTheGroupAndTheGrant() throws Exception {
        // The topic exists (the dedup app would have created it): what is missing is the group ACL alone.
        kafka.createTopic("deduped.payment", 1);
        Path log = Path.of("target", "kafka-sasl-it-missing-group-acl.log");
        try (ChildJvm card = app("card-without-group", MembershipServices.class, log, with(kafkaOptions(CARD_WITHOUT_GROUP),
                "card-service", "--database.url=" + postgres.jdbcUrl(), "--database.user=" + postgres.username(),
                    "--database.password=" + postgres.password(),
                "--http.port=0"))) {
            assertThat(card.awaitExit(Duration.ofSeconds(90))).as("exit code (log: %s)", log).isEqualTo(1);
        }
        assertThat(Files.readString(log)).contains("stopping: the card service's consumer stopped: Kafka at " + sasl.bootstrapServers()
                        + " denied User:" + CARD_WITHOUT_GROUP + " access to consumer group once-membership-demo-card-issuing",
                "--allow-principal User:" + CARD_WITHOUT_GROUP + " --operation Read --group once-membership-demo-card-issuing")
                .doesNotContain("\tat org.apache.kafka");
    }

    @Test
    void aMissingTransactionalIdAclStopsTheDedupAppWithOneSentenceNamingTheGrant() throws Exception {
        Path log = Path.of("target", "kafka-sasl-it-missing-transactional-id-acl.log");
        try (ChildJvm dedup = app("dedup-without-transactional-id", DedupApp.class, log, with(kafkaOptions(DEDUP_WITHOUT_TRANSACTIONS),
                "--application.id=" + DEDUP_WITHOUT_TRANSACTIONS, "--state.dir=" + Files.createTempDirectory(dir, "dedup-"),
                "--http.port=-1"))) {
            assertThat(dedup.awaitExit(Duration.ofSeconds(90))).as("exit code (log: %s)", log).isEqualTo(1);
        }
        assertThat(Files.readString(log)).contains("stopping: Kafka Streams is ERROR: Kafka at " + sasl.bootstrapServers()
                + " denied User:" + DEDUP_WITHOUT_TRANSACTIONS + " its transactional id", "--operation Write --transactional-id");
    }

    @Test
    void aWrongPasswordStopsTheRelayAndTheDedupAppAtTheirStartWithExitCode2NamingTheSaslLogin() throws Exception {
        Path relayLog = Path.of("target", "kafka-sasl-it-wrong-password-relay.log");
        Path dedupLog = Path.of("target", "kafka-sasl-it-wrong-password-dedup.log");
        String wrong = "not-the-password";
        try (ChildJvm relay = app("relay-wrong-password", OutboxConnectorApp.class, relayLog, relayOptions(AppAcls.RELAY, "sasl_wrong")
                .withAll(kafkaOptions(AppAcls.RELAY, wrong)).args());
                ChildJvm dedup = app("dedup-wrong-password", DedupApp.class, dedupLog, with(kafkaOptions(AppAcls.DEDUP, wrong),
                        "--application.id=sasl-wrong", "--state.dir=" + Files.createTempDirectory(dir, "dedup-"), "--http.port=-1"))) {
            assertThat(relay.awaitExit(Duration.ofSeconds(90))).as("exit code (log: %s)", relayLog).isEqualTo(2);
            assertThat(dedup.awaitExit(Duration.ofSeconds(90))).as("exit code (log: %s)", dedupLog).isEqualTo(2);
        }
        for (Map.Entry<Path, String> app : Map.of(relayLog, AppAcls.RELAY, dedupLog, AppAcls.DEDUP).entrySet()) {
            assertThat(Files.readString(app.getKey())).contains("Configuration error: Kafka at " + sasl.bootstrapServers()
                    + " refused the SASL login of User:" + app.getValue() + " (SCRAM-SHA-512): check the username and password in"
                    + " kafka.sasl.jaas.config").doesNotContain(wrong);
        }
        assertThat(slotExists("sasl_wrong")).as("a replication slot made before the login failed").isFalse();
    }

    /** The connector's options with everything it owns named after {@code id}, logged in as {@code user}. */
    private static ConnectorSettings relayOptions(String user, String id) {
        return ConnectorSettings.of(postgres.jdbcUrl(), "postgres", postgres.password(), sasl.bootstrapServers()).instance(id)
                .with(ConnectorOptions.TOPIC_PREFIX, "eos.outbox.")
                .with(ConnectorOptions.DEAD_LETTER_TOPIC, "eos.outbox.dead-letter").with(ConnectorOptions.HTTP_PORT, "-1")
                .withAll(kafkaOptions(user));
    }

    private static boolean slotExists(String slot) throws Exception {
        return count("select count(*) from pg_replication_slots where slot_name = '" + slot + "'") > 0;
    }

    private static long count(String query) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement q = c.createStatement();
                ResultSet rs = q.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String[] with(Map<String, String> options, String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args.toArray(String[]::new);
    }

    /** The app's {@code kafka.*} options to log in as {@code user} on the SASL_SSL listener. */
    private static Map<String, String> kafkaOptions(String user) {
        return kafkaOptions(user, PASSWORDS.get(user));
    }

    private static Map<String, String> kafkaOptions(String user, String password) {
        Map<String, String> options = new LinkedHashMap<>();
        sasl.clientSettings(user, password).forEach((k, v) -> options.put("kafka." + k, v));
        return options;
    }

    private static void assertNoPassword(Path log) throws Exception {
        String output = Files.readString(log);
        PASSWORDS.values().forEach(password -> assertThat(output).as("a password in %s", log).doesNotContain(password));
    }

    private static ChildJvm app(String name, Class<?> main, Path log, String... args) {
        return ChildJvm.start(name, main.getName(), List.of(args), Map.of(), log);
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

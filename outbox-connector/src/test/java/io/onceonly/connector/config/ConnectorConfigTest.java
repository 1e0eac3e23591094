package io.onceonly.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.onceonly.connector.offsets.RelayOffsets;
import io.onceonly.connector.source.EngineProperties;
import io.onceonly.runtime.AppOptions;

class ConnectorConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("database.url", "jdbc:postgresql://db.internal:6543/shop?sslmode=require");
        o.put("database.user", "relay");
        o.put("database.password", "s3cret");
        o.put("kafka.bootstrap.servers", "kafka:9092");
        return o;
    }

    private static ConnectorConfig config(Map<String, String> options) {
        return ConnectorConfig.from(AppOptions.load(options.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new), Map.of()));
    }

    @Test
    void derivesTheEngineSettingsFromTheOptions() {
        Map<String, String> options = minimal();
        options.put("debezium.max.batch.size", "4096");
        options.put("kafka.linger.ms", "1");
        ConnectorConfig config = config(options);
        Properties engine = EngineProperties.of(config);

        assertThat(config.databaseHost()).isEqualTo("db.internal");
        assertThat(config.databasePort()).isEqualTo(6543);
        assertThat(config.databaseName()).isEqualTo("shop");
        assertThat(engine.getProperty("plugin.name")).isEqualTo("pgoutput");
        assertThat(engine.getProperty("connector.class")).as("its task waits for changes when the outbox is quiet")
                .isEqualTo("io.onceonly.connector.source.OutboxSourceConnector");
        assertThat(engine.getProperty("queue.provider.type")).isEqualTo("once-memory");
        assertThat(engine.getProperty("once.queue.arrivals.id")).as("one per engine")
                .isNotEqualTo(EngineProperties.of(config).getProperty("once.queue.arrivals.id"));
        assertThat(engine.getProperty("table.include.list")).isEqualTo("public.outbox,public.once_heartbeat");
        assertThat(engine.getProperty("snapshot.mode")).isEqualTo("initial");
        assertThat(engine.getProperty("skipped.operations")).isEqualTo("u,d,t");
        assertThat(engine.getProperty("heartbeat.action.query")).contains("public.once_heartbeat");
        assertThat(engine.getProperty("offset.storage")).isEqualTo(RelayOffsets.class.getName());
        assertThat(engine.getProperty(RelayOffsets.CLIENT + "bootstrap.servers")).isEqualTo("kafka:9092");
        assertThat(engine.getProperty(RelayOffsets.CLIENT + "linger.ms")).as("every kafka.* setting, security included").isEqualTo("1");
        assertThat(engine.getProperty("max.batch.size")).isEqualTo("4096");
        assertThat(config.describe()).contains("database.password=[hidden]").doesNotContain("s3cret");
    }

    @Test
    void aMissingRequiredOptionIsNamed() {
        Map<String, String> options = minimal();
        options.remove("database.url");
        assertThatThrownBy(() -> config(options)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.url");

        Map<String, String> noKafka = minimal();
        noKafka.remove("kafka.bootstrap.servers");
        assertThatThrownBy(() -> config(noKafka)).hasMessageContaining("kafka.bootstrap.servers")
                .hasMessageContaining("ONCE_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void badValuesAreNamedWithWhatIsExpected() {
        Map<String, String> url = minimal();
        url.put("database.url", "postgres://db/shop");
        assertThatThrownBy(() -> config(url)).hasMessageContaining("database.url").hasMessageContaining("jdbc:postgresql://host:5432/dbname");

        Map<String, String> slot = minimal();
        slot.put("slot.name", "Outbox-Slot");
        assertThatThrownBy(() -> config(slot)).hasMessageContaining("slot.name").hasMessageContaining("lower-case");

        Map<String, String> poll = minimal();
        poll.put("poll.interval.ms", "soon");
        assertThatThrownBy(() -> config(poll)).hasMessageContaining("poll.interval.ms");

        Map<String, String> unknown = minimal();
        unknown.put("batch.size", "10");
        assertThatThrownBy(() -> config(unknown)).hasMessageContaining("batch.size").hasMessageContaining("is not an option");
    }

    @Test
    void producerSettingsThatBreakOrderOrDedupAreRefused() {
        Map<String, String> acks = minimal();
        acks.put("kafka.acks", "1");
        assertThatThrownBy(() -> config(acks)).hasMessageContaining("kafka.acks").hasMessageContaining("must be all");

        Map<String, String> idempotence = minimal();
        idempotence.put("kafka.enable.idempotence", "false");
        assertThatThrownBy(() -> config(idempotence)).hasMessageContaining("kafka.enable.idempotence");

        Map<String, String> inFlight = minimal();
        inFlight.put("kafka.max.in.flight.requests.per.connection", "6");
        assertThatThrownBy(() -> config(inFlight)).hasMessageContaining("1 to 5");
    }

    @Test
    void theFileOffsetStoreIsForLocalRuns() {
        Map<String, String> options = minimal();
        options.put("offset.storage", "file");
        options.put("offset.storage.file", "/tmp/relay.offsets");
        Properties engine = EngineProperties.of(config(options));

        assertThat(engine.getProperty("offset.storage")).endsWith("FileOffsetBackingStore");
        assertThat(engine.getProperty("offset.storage.file.filename")).isEqualTo("/tmp/relay.offsets");

        options.put("offset.storage", "jdbc");
        assertThatThrownBy(() -> config(options)).hasMessageContaining("offset.storage");
    }

    @Test
    void debeziumSettingsThatLoseEventsAreRefusedWithTheReasonAndWhatToUseInstead() {
        assertRefused("slot.drop.on.stop", "true", "events committed while the connector is down would never be relayed",
                "pg_drop_replication_slot");
        assertRefused("snapshot.mode", "never", "its own option snapshot.mode (initial, no_data or when_needed)");
        assertRefused("snapshot.mode", "initial", "its own option snapshot.mode");
        assertRefused("slot.name", "other_slot", "its own option slot.name");
        assertRefused("publication.name", "other_pub", "its own option publication.name");
        assertRefused("publication.autocreate.mode", "filtered", "creates and checks the publication itself",
                "publication.name");
        assertRefused("plugin.name", "decoderbufs", "must be pgoutput");
        for (String filter : new String[] {"table.include.list", "table.exclude.list", "schema.include.list",
                "schema.exclude.list", "column.include.list", "column.exclude.list"}) {
            assertRefused(filter, "public.outbox", "the relay chooses its tables", "needs every mapped column",
                    "outbox.column.*");
        }
        assertRefused("skipped.operations", "c,u,d", "must not skip c", "leave it unset (u,d,t)");
        assertRefused("skipped.operations", "d,t", "must skip u and d");
        assertRefused("skipped.operations", "u", "must skip u and d");
        assertRefused("skipped.operations", "none", "must skip u and d");
        assertRefused("database.hostname", "other.host", "its own option database.url");
        assertRefused("database.port", "5433", "its own option database.url");
        assertRefused("database.dbname", "other", "its own option database.url");
        assertRefused("database.user", "other", "its own option database.user");
        Map<String, String> password = minimal();
        password.put("debezium.database.password", "0ther-s3cret");
        assertThatThrownBy(() -> config(password)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("debezium.database.password").hasMessageContaining("database.password")
                .hasMessageNotContaining("0ther-s3cret");
    }

    @Test
    void theUrlsTlsParametersReachDebeziumsConnectionsAndTheOthersItsDriverPassThrough() {
        Map<String, String> options = minimal();
        options.put("database.url", "jdbc:postgresql://db.internal:6543/shop?sslmode=verify-full"
                + "&sslrootcert=/etc/once/ca%20bundle.crt&sslcert=/etc/once/relay.crt&sslkey=/etc/once/relay.pk8"
                + "&sslpassword=k3y-s3cret&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&connectTimeout=7&tcpKeepAlive");
        ConnectorConfig config = config(options);
        Properties engine = EngineProperties.of(config);

        assertThat(engine.getProperty("database.hostname")).isEqualTo("db.internal");
        assertThat(engine.getProperty("database.dbname")).isEqualTo("shop");
        assertThat(engine.getProperty("database.sslmode")).isEqualTo("verify-full");
        assertThat(engine.getProperty("database.sslrootcert")).as("decoded as the driver decodes it").isEqualTo("/etc/once/ca bundle.crt");
        assertThat(engine.getProperty("database.sslcert")).isEqualTo("/etc/once/relay.crt");
        assertThat(engine.getProperty("database.sslkey")).isEqualTo("/etc/once/relay.pk8");
        assertThat(engine.getProperty("database.sslpassword")).isEqualTo("k3y-s3cret");
        assertThat(engine.getProperty("database.sslfactory")).isEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
        assertThat(engine.getProperty("driver.connectTimeout")).isEqualTo("7");
        assertThat(engine.getProperty("driver.tcpKeepAlive")).isEqualTo("");
        assertThat(config.databaseProperties()).containsEntry("sslmode", "verify-full").containsEntry("user", "relay")
                .containsEntry("password", "s3cret").containsEntry("connectTimeout", "7");
        assertThat(config.describe()).contains("sslpassword=[hidden]").doesNotContain("k3y-s3cret");
        assertThat(config.shownDatabaseUrl()).contains("sslmode=verify-full").doesNotContain("k3y-s3cret");
    }

    @Test
    void tlsGivenAsDebeziumOptionsReachesTheConnectorsOwnConnectionsToo() {
        Map<String, String> options = minimal();
        options.put("database.url", "jdbc:postgresql://db.internal/shop");
        options.put("debezium.database.sslmode", "verify-ca");
        options.put("debezium.database.sslrootcert", "/etc/once/ca.crt");
        options.put("debezium.driver.sslhostnameverifier", "com.example.Verifier");
        ConnectorConfig config = config(options);

        assertThat(config.databasePort()).isEqualTo(5432);
        assertThat(config.databaseProperties()).containsEntry("sslmode", "verify-ca").containsEntry("sslrootcert", "/etc/once/ca.crt")
                .containsEntry("sslhostnameverifier", "com.example.Verifier");
        assertThat(EngineProperties.of(config)).containsEntry("database.sslmode", "verify-ca")
                .containsEntry("driver.sslhostnameverifier", "com.example.Verifier");
    }

    @Test
    void oneParameterGivenTwiceWithDifferentValuesIsRefusedNamingBothPlaces() {
        Map<String, String> options = minimal();
        options.put("debezium.database.sslmode", "verify-full");
        assertThatThrownBy(() -> config(options)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("debezium.database.sslmode=verify-full conflicts with database.url parameter sslmode=require")
                .hasMessageContaining("one value, in one place");

        options.put("debezium.database.sslmode", "require");
        assertThat(config(options).driverParameters().all()).as("the same value twice is no conflict").containsEntry("sslmode", "require");

        Map<String, String> passwords = minimal();
        passwords.put("database.url", "jdbc:postgresql://db/shop?sslpassword=one-s3cret");
        passwords.put("debezium.driver.sslpassword", "two-s3cret");
        assertThatThrownBy(() -> config(passwords)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("debezium.driver.sslpassword=[hidden] conflicts with database.url parameter sslpassword=[hidden]")
                .hasMessageNotContaining("one-s3cret").hasMessageNotContaining("two-s3cret");

        Map<String, String> user = minimal();
        user.put("database.url", "jdbc:postgresql://db/shop?user=other");
        assertThatThrownBy(() -> config(user)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.user=relay conflicts with database.url parameter user=other");
    }

    @Test
    void parametersThatWouldPointDebeziumElsewhereAndUnknownTlsModesAreRefused() {
        for (String query : new String[] {"hostname=other", "port=5433", "dbname=other", "replication=database"}) {
            Map<String, String> options = minimal();
            options.put("database.url", "jdbc:postgresql://db/shop?" + query);
            assertThatThrownBy(() -> config(options)).as(query).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("database.url parameter " + query + " is refused");
        }
        Map<String, String> mode = minimal();
        mode.put("database.url", "jdbc:postgresql://db/shop?sslmode=verify_full");
        assertThatThrownBy(() -> config(mode)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sslmode=verify_full is not a TLS mode")
                .hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Test
    void debeziumSettingsThatKeepTheGuaranteesPass() {
        Map<String, String> options = minimal();
        options.put("debezium.slot.drop.on.stop", "false");
        options.put("debezium.plugin.name", "pgoutput");
        options.put("debezium.skipped.operations", " U, d ");
        options.put("debezium.max.batch.size", "4096");
        Properties engine = EngineProperties.of(config(options));

        assertThat(engine.getProperty("skipped.operations")).isEqualTo(" U, d ");
        assertThat(engine.getProperty("slot.drop.on.stop")).isEqualTo("false");
    }

    @Test
    void theDatabaseStartTimeoutDefaultsToFiveMinutesAndMustNotBeNegative() {
        assertThat(config(minimal()).databaseStartTimeoutMs()).isEqualTo(300_000L);

        Map<String, String> negative = minimal();
        negative.put("database.start.timeout.ms", "-1");
        assertThatThrownBy(() -> config(negative)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.start.timeout.ms");
    }

    private static void assertRefused(String debeziumKey, String value, String... reasons) {
        Map<String, String> options = minimal();
        options.put("debezium." + debeziumKey, value);
        assertThatThrownBy(() -> config(options)).as("debezium.%s=%s", debeziumKey, value)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("debezium." + debeziumKey)
                .hasMessageContaining(value)
                .hasMessageContainingAll(reasons);
    }

    @Test
    void atLeastOnceIsTheDefaultAndExactlyOnceMakesTheRelayWriteThePositions() {
        ConnectorConfig defaults = config(minimal());
        assertThat(defaults.exactlyOnce()).isFalse();
        assertThat(EngineProperties.of(defaults).getProperty(RelayOffsets.WRITTEN_BY_RELAY)).isEqualTo("false");

        Map<String, String> options = minimal();
        options.put("delivery.guarantee", "exactly-once");
        options.put("name", "payments-relay");
        ConnectorConfig config = config(options);
        assertThat(config.exactlyOnce()).isTrue();
        assertThat(config.transactionalId()).isEqualTo("payments-relay.relay");
        assertThat(EngineProperties.of(config).getProperty(RelayOffsets.WRITTEN_BY_RELAY)).isEqualTo("true");
    }

    @Test
    void exactlyOnceWithTheFileStoreIsRefusedNamingBothOptions() {
        Map<String, String> options = minimal();
        options.put("delivery.guarantee", "exactly-once");
        options.put("offset.storage", "file");
        assertThatThrownBy(() -> config(options)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("offset.storage").hasMessageContaining("must be kafka")
                .hasMessageContaining("delivery.guarantee=exactly-once");
    }

    @Test
    void anUnknownGuaranteeOrAnOwnTransactionalIdIsRefused() {
        Map<String, String> unknown = minimal();
        unknown.put("delivery.guarantee", "exactly-twice");
        assertThatThrownBy(() -> config(unknown)).isInstanceOf(ConfigException.class).hasMessageContaining("delivery.guarantee");

        Map<String, String> own = minimal();
        own.put("kafka.transactional.id", "mine");
        assertThatThrownBy(() -> config(own)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.transactional.id").hasMessageContaining("name.relay");
    }
    @Test
    void retentionIsOffByDefaultAndTakesAnIsoDuration() {
        ConnectorConfig defaults = config(minimal());
        assertThat(defaults.retention()).isEmpty();
        assertThat(defaults.retentionPeriodMs()).isEqualTo(60_000L);
        assertThat(defaults.retentionBatchSize()).isEqualTo(1_000);

        Map<String, String> options = minimal();
        options.put("outbox.retention", "P7D");
        options.put("outbox.retention.period.ms", "5000");
        options.put("outbox.retention.batch.size", "200");
        ConnectorConfig config = config(options);
        assertThat(config.retention()).contains(java.time.Duration.ofDays(7));
        assertThat(config.retentionPeriodMs()).isEqualTo(5_000L);
        assertThat(config.retentionBatchSize()).isEqualTo(200);

        Map<String, String> hours = minimal();
        hours.put("outbox.retention", " PT12H ");
        assertThat(config(hours).retention()).contains(java.time.Duration.ofHours(12));
    }

    @Test
    void aBadRetentionIsRefusedNamingTheOptionAndTheFix() {
        assertRetentionRefused("outbox.retention", "7 days", "outbox.retention", "ISO-8601 duration such as P7D", "empty to keep every row");
        assertRetentionRefused("outbox.retention", "P7", "outbox.retention", "ISO-8601");
        assertRetentionRefused("outbox.retention", "PT0S", "outbox.retention", "longer than zero");
        assertRetentionRefused("outbox.retention", "-P1D", "outbox.retention", "longer than zero");
        assertRetentionRefused("outbox.retention.batch.size", "0", "outbox.retention.batch.size");
        assertRetentionRefused("outbox.retention.period.ms", "10", "outbox.retention.period.ms");

        Map<String, String> noCreatedAt = minimal();
        noCreatedAt.put("outbox.retention", "P7D");
        noCreatedAt.put("outbox.column.created-at", "");
        assertThatThrownBy(() -> config(noCreatedAt)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("outbox.retention").hasMessageContaining("needs outbox.column.created-at")
                .hasMessageContaining("set outbox.retention empty");
        noCreatedAt.put("outbox.retention", "");
        assertThat(config(noCreatedAt).retention()).as("off: no created-at column needed").isEmpty();
    }

    private static void assertRetentionRefused(String option, String value, String... words) {
        Map<String, String> options = minimal();
        options.put(option, value);
        assertThatThrownBy(() -> config(options)).as("%s=%s", option, value).isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(words);
    }
}

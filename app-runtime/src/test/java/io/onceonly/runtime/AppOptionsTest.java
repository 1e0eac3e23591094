package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppOptionsTest {

    @Test
    void fileThenEnvironmentThenArgumentsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "database.url=from-file\nslot.name=file_slot\nkafka.linger.ms=5\n");
        Map<String, String> env = Map.of("ONCE_SLOT_NAME", "env_slot", "ONCE_OUTBOX_COLUMN_BIZ__ID", "payment_id",
                "ONCE_KAFKA_LINGER_MS", "7", "PATH", "/usr/bin");

        AppOptions options = AppOptions.load(new String[] {"--config", file.toString(), "--kafka.linger.ms=9"}, env);

        assertThat(options.values()).containsEntry("database.url", "from-file").containsEntry("slot.name", "env_slot")
                .containsEntry("outbox.column.biz-id", "payment_id").containsEntry("kafka.linger.ms", "9")
                .doesNotContainKey("path");
        assertThat(options.withPrefix("kafka.")).containsExactly(Map.entry("linger.ms", "9"));
    }

    @Test
    void theLogLevelAndConfigFileVariablesAreNotOptions() {
        AppOptions options = AppOptions.load(new String[0], Map.of("ONCE_LOG_LEVEL", "DEBUG", "ONCE_SLOT_NAME", "s"));
        assertThat(options.values()).containsExactly(Map.entry("slot.name", "s"));
    }

    @Test
    void environmentNamesMapBothWays() {
        assertThat(AppOptions.optionName("ONCE_KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka.bootstrap.servers");
        assertThat(AppOptions.envName("outbox.column.biz-id")).isEqualTo("ONCE_OUTBOX_COLUMN_BIZ__ID");
        assertThat(AppOptions.optionName(AppOptions.envName("dead-letter.topic"))).isEqualTo("dead-letter.topic");
    }

    @Test
    void badArgumentsAndMissingFilesAreNamed() {
        assertThatThrownBy(() -> AppOptions.load(new String[] {"connector.properties"}, Map.of()))
                .hasMessageContaining("argument 'connector.properties' is not understood");
        assertThatThrownBy(() -> AppOptions.load(new String[] {"--config", "/nope/missing.properties"}, Map.of()))
                .hasMessageContaining("/nope/missing.properties does not exist");
        assertThatThrownBy(() -> AppOptions.load(new String[] {"--config"}, Map.of())).hasMessageContaining("--config needs a file");
    }

    @Test
    void secretsAreHiddenInTheStartLine() {
        assertThat(EffectiveConfig.describe(Map.of("database.password", "pw", "kafka.sasl.jaas.config", "x", "slot.name", "s")))
                .isEqualTo("{database.password=[hidden], kafka.sasl.jaas.config=[hidden], slot.name=s}");
    }

    @Test
    void keyMaterialIsHiddenButPublicCertificatesAndOrdinaryKeysAreShown() {
        assertThat(EffectiveConfig.describe(Map.of("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----abc",
                "kafka.ssl.key.password", "kp", "kafka.ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----pub",
                "kafka.basic.auth.user.info", "u:p", "columns.key", "")))
                .contains("kafka.ssl.keystore.key=[hidden]", "kafka.ssl.key.password=[hidden]", "kafka.basic.auth.user.info=[hidden]",
                        "kafka.ssl.truststore.certificates=-----BEGIN CERTIFICATE-----pub")
                .doesNotContain("abc", "kp", "u:p");
    }

    @Test
    void secretsInsideUrlsAreHiddenWhateverTheOptionIsCalled() {
        String described = EffectiveConfig.describe(Map.of(
                "database.url", "jdbc:postgresql://db:5432/app?user=relay&password=s3cret&sslmode=verify-full&sslpassword=k3y",
                "kafka.bootstrap.servers", "b1:9092,b2:9092",
                "other.url", "https://admin:hunter2@registry.example/api;token=t0k?apikey=xyz"));
        assertThat(described).doesNotContain("s3cret", "k3y", "hunter2", "t0k", "xyz")
                .contains("?user=relay&password=[hidden]&sslmode=verify-full&sslpassword=[hidden]",
                        "https://admin:[hidden]@registry.example/api", "kafka.bootstrap.servers=b1:9092,b2:9092");
    }

    @Test
    void aRefusedSecretIsNotQuotedInTheMessage() {
        ConfigException refused = new ConfigException("kafka.sasl.jaas.config", "ScramLoginModule required password=\"s3cret\";",
                "is not an option of the payment service");

        assertThat(EffectiveConfig.hideInMessage(refused.getMessage())).isEqualTo(
                "Invalid value [hidden] for configuration kafka.sasl.jaas.config: is not an option of the payment service");
        assertThat(EffectiveConfig.hideInMessage(new ConfigException("database.url", "postgres://u:s3cret@db/x", "must look like jdbc:")
                .getMessage())).isEqualTo("Invalid value postgres://u:[hidden]@db/x for configuration database.url: must look like jdbc:");
        assertThat(EffectiveConfig.hideInMessage(new ConfigException("slot.name", "Bad-Name", null).getMessage()))
                .as("a value that is no secret stays, to say what was wrong").contains("Bad-Name");
    }
}

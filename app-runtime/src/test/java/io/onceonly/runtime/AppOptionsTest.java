package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
}

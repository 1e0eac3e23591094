package io.onceonly.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options come from the apps' files, the command's file, ONCE_* and --name=value, later ones winning. */
class OnceSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theAppsDefaultsHoldWhenNothingIsGiven() {
        OnceSettings settings = OnceSettings.load(null, List.of(), Map.of());

        assertThat(settings.topicPrefix()).isEqualTo("outbox.");
        assertThat(settings.connectorDeadLetterTopic()).isEqualTo("outbox.dead-letter");
        assertThat(settings.dedupDeadLetterTopic()).isEqualTo("dedup.dead-letter");
        assertThat(settings.dedupOutputs().outputFor("outbox.payment")).isEqualTo("deduped.payment");
        assertThat(settings.replayAuditTopic()).isEqualTo("once.dead-letter-replays");
        assertThat(settings.outboxDatabaseIfGiven()).isEmpty();
        assertThat(settings.consumerDatabase()).isEmpty();
    }

    @Test
    void theAppsFilesAreReadByTheirOwnNamesAndTheCommandsOptionsWin() throws Exception {
        Path connector = Files.writeString(dir.resolve("connector.properties"), String.join("\n",
                "database.url=jdbc:postgresql://db:5432/app", "database.user=relay", "database.password=from-file",
                "kafka.bootstrap.servers=kafka:9092", "kafka.linger.ms=5", "dead-letter.topic=app.dead-letter",
                "debezium.max.batch.size=512", "slot.name=app_outbox"));
        Path dedup = Files.writeString(dir.resolve("dedup.properties"), String.join("\n",
                "kafka.bootstrap.servers=kafka:9093", "dead-letter.topic=app.dedup.dead-letter",
                "output.mapping=outbox.payment:card.issue-requests"));

        OnceSettings settings = OnceSettings.load(null, List.of("--config.connector=" + connector, "--config.dedup=" + dedup,
                "--connector.slot.name=other_slot", "--database.user=ops"), Map.of("ONCE_KAFKA_SECURITY_PROTOCOL", "SSL"));

        assertThat(settings.connectorDeadLetterTopic()).isEqualTo("app.dead-letter");
        assertThat(settings.dedupDeadLetterTopic()).isEqualTo("app.dedup.dead-letter");
        assertThat(settings.connector().string("slot.name")).isEqualTo("other_slot");
        assertThat(settings.dedupOutputs().outputFor("outbox.payment")).isEqualTo("card.issue-requests");
        assertThat(settings.kafka()).containsEntry("bootstrap.servers", "kafka:9093").containsEntry("linger.ms", "5")
                .containsEntry("security.protocol", "SSL");
        DatabaseTarget database = settings.outboxDatabase();
        assertThat(database.url()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(database.user()).isEqualTo("ops");
        assertThat(database.password()).isEqualTo("from-file");
        assertThat(database.toString()).doesNotContain("from-file");
    }

    @Test
    void theCommandsOwnFileAndEnvironmentAreReadAsTheAppsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("once.properties"), "consumer.database.url=jdbc:postgresql://cards/db\n"
                + "dedup.output.prefix=out.\n");

        OnceSettings settings = OnceSettings.load(file.toString(), List.of(),
                Map.of("ONCE_CONSUMER_DATABASE_USER", "cards", "ONCE_CONNECTOR_TOPIC_PREFIX", "events."));

        assertThat(settings.consumerDatabase()).get().extracting(DatabaseTarget::user).isEqualTo("cards");
        assertThat(settings.topicPrefix()).isEqualTo("events.");
        assertThat(settings.dedupOutputs().outputFor("outbox.payment")).isEqualTo("out.payment");
    }

    @Test
    void unknownAndBadOptionsAreNamed() {
        assertThatThrownBy(() -> OnceSettings.load(null, List.of("--dabase.url=x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dabase.url").hasMessageContaining("once command");
        assertThatThrownBy(() -> OnceSettings.load(null, List.of("--connector.topic.prefx=x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connector.topic.prefx")
                .hasMessageContaining("not an option of the outbox connector");
        assertThatThrownBy(() -> OnceSettings.load(null, List.of("--connector.slot.name=Bad-Slot"), Map.of()).connector()
                .string("slot.name")).isInstanceOf(ConfigException.class).hasMessageContaining("connector.slot.name");
        assertThatThrownBy(() -> OnceSettings.load(null, List.of("--yes-please"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--yes-please' is not understood");
        assertThatThrownBy(() -> OnceSettings.load(null, List.of("--config.connector=" + dir.resolve("missing")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("config.connector").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> OnceSettings.load(null, List.of(), Map.of()).kafka())
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
    }
}

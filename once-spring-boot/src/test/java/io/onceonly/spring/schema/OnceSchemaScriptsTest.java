package io.onceonly.spring.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.onceonly.contracts.OutboxSchema;

/** The Flyway scripts this module ships say what contracts' DDL says, comments aside. */
class OnceSchemaScriptsTest {

    @Test
    void theFlywayScriptsAreContractsDdl() throws IOException {
        assertThat(statements("/db/once/flyway/outbox/R__once_outbox.sql")).isEqualTo(statements(OutboxSchema.OUTBOX_RESOURCE));
        assertThat(statements("/db/once/flyway/consumer/R__once_processed_message.sql"))
                .isEqualTo(statements(OutboxSchema.PROCESSED_MESSAGE_RESOURCE));
    }

    private static List<String> statements(String resource) throws IOException {
        try (InputStream in = OnceSchemaScriptsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.strip().startsWith("--")).toList();
        }
    }
}

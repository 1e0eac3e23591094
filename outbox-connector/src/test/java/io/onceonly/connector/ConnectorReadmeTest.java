package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.runtime.OptionsTable;

/** The README's option table is what {@code --list-options} prints, so that neither drifts from the other. */
class ConnectorReadmeTest {

    @Test
    void theOptionTableIsWhatListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceIn(Files.readString(Path.of("README.md")), ConnectorOptions.definition(),
                ConnectorOptions.PASS_THROUGH, "java -jar outbox-connector/target/outbox-connector.jar --list-options"))
                .as("outbox-connector/README.md (build the jar with: mvn -B -ntp package -DskipTests -pl outbox-connector -am)")
                .isEmpty();
    }
}

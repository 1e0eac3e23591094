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
        String printed = OptionsTable.markdown(ConnectorOptions.definition(), ConnectorOptions.PASS_THROUGH);

        assertThat(OptionsTable.findIn(Files.readString(Path.of("README.md"))))
                .as("outbox-connector/README.md's option table differs from the options in ConnectorOptions."
                        + " Replace it with the table that `java -jar outbox-connector/target/outbox-connector.jar"
                        + " --list-options` prints (build it with `mvn -B -ntp package -DskipTests -pl outbox-connector -am`)")
                .containsExactlyElementsOf(printed.lines().toList());
    }
}

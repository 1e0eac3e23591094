package io.onceonly.connector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.runtime.OptionsTable;

/** The README's option table is what {@code --list-options} prints, so that neither drifts from the other. */
class ConnectorReadmeTest {

    @Test
    void theOptionTableIsWhatListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceInReadme("outbox-connector", ConnectorOptions.definition(),
                ConnectorOptions.PASS_THROUGH)).isEmpty();
    }
}

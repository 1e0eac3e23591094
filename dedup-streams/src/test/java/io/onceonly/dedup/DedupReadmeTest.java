package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.runtime.OptionsTable;

/** The README's option table is what {@code --list-options} prints, so that neither drifts from the other. */
class DedupReadmeTest {

    @Test
    void theOptionTableIsWhatListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceInReadme("dedup-streams", DedupOptions.definition(), DedupOptions.PASS_THROUGH))
                .isEmpty();
    }
}

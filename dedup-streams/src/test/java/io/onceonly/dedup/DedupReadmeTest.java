package io.onceonly.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.runtime.OptionsTable;

/** The README's option table is what {@code --list-options} prints, so that neither drifts from the other. */
class DedupReadmeTest {

    @Test
    void theOptionTableIsWhatListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceIn(Files.readString(Path.of("README.md")), DedupOptions.definition(),
                DedupOptions.PASS_THROUGH, "java -jar dedup-streams/target/dedup-streams.jar --list-options"))
                .as("dedup-streams/README.md (build the jar with: mvn -B -ntp package -DskipTests -pl dedup-streams -am)")
                .isEmpty();
    }
}

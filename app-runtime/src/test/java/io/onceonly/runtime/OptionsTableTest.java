package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class OptionsTableTest {

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define("database.url", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "JDBC URL | of the database.")
            .define("database.password", Type.PASSWORD, "", Importance.HIGH, "Its password.")
            .define("dead-letter.topic", Type.STRING, "dlq", Importance.LOW, "Where bad rows go.");

    @Test
    void printsEveryOptionWithItsVariableDefaultAndMeaningThenThePassThroughFamilies() {
        String table = OptionsTable.markdown(DEFINITION, List.<String[]>of(new String[] {"kafka.*", "producer settings"}));

        assertThat(table.lines()).containsExactly(
                "| option | env | default | meaning |",
                "|---|---|---|---|",
                "| `database.url` | `ONCE_DATABASE_URL` | (required) | JDBC URL \\| of the database. |",
                "| `database.password` | `ONCE_DATABASE_PASSWORD` | (empty) | Its password. |",
                "| `dead-letter.topic` | `ONCE_DEAD__LETTER_TOPIC` | `dlq` | Where bad rows go. |",
                "| `kafka.*` | `ONCE_KAFKA_...` | | producer settings |");
    }

    @Test
    void findsTheTableInADocumentUpToItsLastRow() {
        String table = OptionsTable.markdown(DEFINITION, List.of());
        String readme = "# app\n\n| metric | meaning |\n|---|---|\n| `x` | y |\n\n## Options\n\n" + table + "\n## Tests\n\n| a |\n";

        assertThat(OptionsTable.findIn(readme)).containsExactlyElementsOf(table.lines().toList());
        assertThat(OptionsTable.findIn(readme.replace(table, ""))).isEmpty();
    }

    @Test
    void refusesADocumentWithTwoTables() {
        String table = OptionsTable.markdown(DEFINITION, List.of());

        assertThatThrownBy(() -> OptionsTable.findIn(table + "\n" + table)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two option tables");
    }

    @Test
    void namesTheFirstDifferingRowAndHowToRegenerateTheTable() {
        String readme = "## Options\n\n" + OptionsTable.markdown(DEFINITION, List.of()) + "\n## Tests\n";
        String command = "java -jar app.jar --list-options";

        assertThat(OptionsTable.differenceIn(readme, DEFINITION, List.of(), command)).isEmpty();
        assertThat(OptionsTable.differenceIn(readme.replace("`dlq`", "`dead`"), DEFINITION, List.of(), command))
                .hasValueSatisfying(message -> assertThat(message).contains("row 5", "`dead`", "`dlq`", command));
        assertThat(OptionsTable.differenceIn(readme, DEFINITION, List.<String[]>of(new String[] {"kafka.*", "producer"}),
                command)).hasValueSatisfying(message -> assertThat(message).contains("row 6", "(no row)", "`kafka.*`"));
        assertThat(OptionsTable.differenceIn("# app\n", DEFINITION, List.of(), command))
                .hasValueSatisfying(message -> assertThat(message).contains("no option table", command));
    }

    @Test
    void findsTheSectionUnderAHeadingOfAnyLevelUpToTheNextHeading() {
        String table = OptionsTable.markdown(DEFINITION, List.of());
        String readme = "# app\n\n## Options\n\n### payment-service\n\n" + table + "\n### card-service\n\n" + table
                + "\n## Tests\n";

        assertThat(OptionsTable.sectionOf(readme, "payment-service")).hasValue("\n" + table + "\n");
        assertThat(OptionsTable.sectionOf(readme, "card-service")).hasValue("\n" + table + "\n");
        assertThat(OptionsTable.sectionOf(readme, "Options")).hasValue("\n");
        assertThat(OptionsTable.sectionOf(readme, "service")).isEmpty();
        assertThatThrownBy(() -> OptionsTable.sectionOf(readme + "## card-service\n", "card-service"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two headings 'card-service'");
    }
}

package io.onceonly.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.onceonly.cli.config.CliOptions;
import io.onceonly.runtime.OptionsTable;

/** The README's option table is what {@code once --list-options} prints, and every subcommand answers --help. */
class OnceReadmeTest {

    @Test
    void theOptionTableIsWhatListOptionsPrints() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(OptionsTable.differenceIn(readme, CliOptions.definition(), CliOptions.PASS_THROUGH,
                "java -jar once-cli/target/once.jar --list-options")).isEmpty();
        assertThat(CliRun.of("--list-options").out()).isEqualTo(OptionsTable.markdown(CliOptions.definition(), CliOptions.PASS_THROUGH));
    }

    @Test
    void everySubcommandAnswersHelp() {
        for (String[] command : new String[][] {{}, {"trace"}, {"dead-letters"}, {"dead-letters", "list"}, {"dead-letters", "show"},
                {"dead-letters", "replay"}, {"slot"}, {"slot", "status"}, {"slot", "drop"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRun run = CliRun.of(args);
            assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isZero();
            assertThat(run.out()).as(String.join(" ", args)).startsWith("Usage: once" + (command.length == 0 ? "" : " " + String.join(" ", command)));
        }
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        CliRun run = CliRun.of("tracee", "pay-1");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "tracee");
    }
}

package io.onceonly.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StackKindTest {

    @Test
    void parsesTheSystemPropertyValue() {
        assertThat(StackKind.parse(null)).isEqualTo(StackKind.EMBEDDED);
        assertThat(StackKind.parse("")).isEqualTo(StackKind.EMBEDDED);
        assertThat(StackKind.parse("embedded")).isEqualTo(StackKind.EMBEDDED);
        assertThat(StackKind.parse(" Containers ")).isEqualTo(StackKind.CONTAINERS);
    }

    @Test
    void anUnknownValueNamesTheValueAndTheChoices() {
        assertThatThrownBy(() -> StackKind.parse("docker"))
                .hasMessage("once.stack='docker' is not a stack kind: use embedded (default) or containers");
    }
}

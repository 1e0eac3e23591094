package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentDecoderTest {

    @Test
    void decodesUtf8EscapesAndLeavesPlusAsPlus() {
        assertThat(PercentDecoder.decode("pay-1", "the id")).isEqualTo("pay-1");
        assertThat(PercentDecoder.decode("a+b%20c%2Bd", "the id")).isEqualTo("a+b c+d");
        assertThat(PercentDecoder.decode("caf%C3%A9-%E2%82%AC", "the id")).isEqualTo("café-€");
        assertThat(PercentDecoder.decode("%2f%2F", "the id")).isEqualTo("//");
    }

    @Test
    void aBrokenEscapeIs400NamingWhereItIs() {
        for (String raw : new String[] {"%", "a%4", "%zz", "%G0", "%\u0663\u0663", "%%41"}) {
            assertThatThrownBy(() -> PercentDecoder.decode(raw, "the id")).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).startsWith("the id has a broken percent-escape at character")
                                .contains("'%25'");
                    });
        }
    }

    @Test
    void bytesThatAreNotUtf8Are400() {
        for (String raw : new String[] {"%FF", "%C3", "%C3%28", "%ED%A0%80", "\uD800"}) {
            assertThatThrownBy(() -> PercentDecoder.decode(raw, "the id")).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.getMessage()).contains("is not UTF-8 once percent-decoded"));
        }
    }
}

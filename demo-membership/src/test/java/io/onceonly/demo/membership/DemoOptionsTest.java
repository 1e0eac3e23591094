package io.onceonly.demo.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.onceonly.demo.membership.driver.Fault;

class DemoOptionsTest {

    @Test
    void defaultsRunEveryFaultOnTheEmbeddedServers() {
        DemoOptions o = DemoOptions.parse(new String[0], Map.of());
        assertThat(o.events()).isEqualTo(10_000);
        assertThat(o.clients()).isEqualTo(8);
        assertThat(o.rate()).isEqualTo(1_000);
        assertThat(o.faults()).isEqualTo(EnumSet.allOf(Fault.class));
        assertThat(o.embedded()).isTrue();
        assertThat(o.seed()).isEqualTo(42);
    }

    @Test
    void bothSpellingsAndAFaultListAreRead() {
        DemoOptions o = DemoOptions.parse(new String[] {"--events", "2,000", "--clients=4", "--faults", "relay-crash, card-crash",
                "--bootstrap-servers", "k:9092", "--jdbc-url=jdbc:postgresql://db:5432/shop", "--reset"}, Map.of("PGPASSWORD", "pw"));
        assertThat(o.events()).isEqualTo(2_000);
        assertThat(o.clients()).isEqualTo(4);
        assertThat(o.faults()).containsExactlyInAnyOrder(Fault.CONNECTOR_CRASH, Fault.CARD_CRASH);
        assertThat(o.embedded()).isFalse();
        assertThat(o.jdbcPassword()).isEqualTo("pw");
        assertThat(o.reset()).isTrue();
        assertThat(DemoOptions.parse(new String[] {"--faults", "none"}, Map.of()).faults()).isEmpty();
    }

    @Test
    void theConnectorCrashKeepsItsFormerName() {
        assertThat(Fault.parseList("connector-crash")).containsExactly(Fault.CONNECTOR_CRASH);
        assertThat(Fault.parseList("relay-crash")).containsExactly(Fault.CONNECTOR_CRASH);
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> parse("--events", "many")).hasMessage("--events 'many' is not a whole number, for example --events 10000");
        assertThatThrownBy(() -> parse("--clients", "0")).hasMessage("--clients 0 is out of range: use 1 to 256");
        assertThatThrownBy(() -> parse("--faults", "relay-crash,meteor")).hasMessageContaining("'meteor' is not a fault")
                .hasMessageContaining("client-retry, business-resend, connector-crash, dedup-crash, card-crash, malformed-rows");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "k:9092")).hasMessageContaining("--bootstrap-servers and --jdbc-url go together");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "k:9092", "--jdbc-url", "postgres://db/x"))
                .hasMessageContaining("must look like jdbc:postgresql://host:5432/dbname");
        assertThatThrownBy(() -> parse("--reset")).hasMessageContaining("--reset is for your own servers");
        assertThatThrownBy(() -> parse("--event", "5")).hasMessage("--event is not an option of the demo; see --help");
        assertThatThrownBy(() -> parse("stray")).hasMessageContaining("argument 'stray' is not understood");
    }

    @Test
    void aUsageErrorExitsWithTwoAndHelpWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(MembershipDemo.exitCode(new String[] {"--events", "-5"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Usage error: --events -5 is out of range");
        assertThat(MembershipDemo.exitCode(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--faults LIST").contains("Exit code: 0 when the verdict holds");
    }

    private static DemoOptions parse(String... args) {
        return DemoOptions.parse(args, Map.of());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}

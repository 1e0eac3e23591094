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
    void optionsAreNamedAsTheAppsNameThem() {
        DemoOptions o = parse("--events=2,000", "--clients=4", "--faults=relay-crash, card-crash",
                "--kafka.bootstrap.servers=k:9092", "--database.url=jdbc:postgresql://db:5432/shop", "--database.user=demo",
                "--database.password=secret", "--report-dir=out", "--seed=7", "--reset");
        assertThat(o.events()).isEqualTo(2_000);
        assertThat(o.clients()).isEqualTo(4);
        assertThat(o.faults()).containsExactlyInAnyOrder(Fault.CONNECTOR_CRASH, Fault.CARD_CRASH);
        assertThat(o.embedded()).isFalse();
        assertThat(o.bootstrapServers()).isEqualTo("k:9092");
        assertThat(o.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(o.databaseUser()).isEqualTo("demo");
        assertThat(o.databasePassword()).isEqualTo("secret");
        assertThat(o.reportDir()).hasToString("out");
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.reset()).isTrue();
        assertThat(o.deprecations()).isEmpty();
        assertThat(parse("--faults=none").faults()).isEmpty();
        assertThat(DemoOptions.parse(new String[0], Map.of("PGPASSWORD", "pw")).databasePassword()).isEqualTo("pw");
    }

    @Test
    void otherKafkaClientSettingsGoToEveryClientWithTheBootstrapServers() {
        DemoOptions o = parse("--kafka.bootstrap.servers=k:9093", "--database.url=jdbc:postgresql://db:5432/shop",
                "--kafka.security.protocol=SASL_SSL", "--kafka.sasl.jaas.config=x required username=\"u\" password=\"p\";");
        assertThat(o.kafka()).containsOnlyKeys("security.protocol", "sasl.jaas.config");
        assertThat(o.kafkaClient()).containsEntry("bootstrap.servers", "k:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "x required username=\"u\" password=\"p\";");
        assertThatThrownBy(() -> parse("--kafka.security.protocol=SASL_SSL"))
                .hasMessage("--kafka.security.protocol is for your own Kafka (--kafka.bootstrap.servers): the embedded one takes no"
                        + " client settings");
        assertThatThrownBy(() -> parse("--kafka.security.protocol", "SASL_SSL"))
                .hasMessage("--kafka.security.protocol needs a value: --kafka.security.protocol=VALUE");
    }

    @Test
    void theFormerSpellingsStillWorkWithANoteEach() {
        DemoOptions o = DemoOptions.parse(new String[] {"--events", "2000", "--bootstrap-servers", "k:9092",
                "--jdbc-url=jdbc:postgresql://db:5432/shop", "--jdbc-user", "demo", "--jdbc-password=secret"}, Map.of());
        assertThat(o.events()).isEqualTo(2_000);
        assertThat(o.bootstrapServers()).isEqualTo("k:9092");
        assertThat(o.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(o.databaseUser()).isEqualTo("demo");
        assertThat(o.databasePassword()).isEqualTo("secret");
        assertThat(o.deprecations()).containsExactly(
                "Note: '--events 2000' is a former spelling; write --events=2000",
                "Note: '--bootstrap-servers k:9092' is a former spelling; write --kafka.bootstrap.servers=k:9092",
                "Note: '--jdbc-url=jdbc:postgresql://db:5432/shop' is a former spelling; write --database.url=jdbc:postgresql://db:5432/shop",
                "Note: '--jdbc-user demo' is a former spelling; write --database.user=demo",
                "Note: '--jdbc-password=PW' is a former spelling; write --database.password=PW");
    }

    @Test
    void theConnectorCrashKeepsItsFormerName() {
        assertThat(Fault.parseList("connector-crash")).containsExactly(Fault.CONNECTOR_CRASH);
        assertThat(Fault.parseList("relay-crash")).containsExactly(Fault.CONNECTOR_CRASH);
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> parse("--events=many")).hasMessage("--events='many' is not a whole number, for example --events=10000");
        assertThatThrownBy(() -> parse("--clients=0")).hasMessage("--clients=0 is out of range: use 1 to 256");
        assertThatThrownBy(() -> parse("--rate", "fast")).hasMessage("--rate='fast' is not a whole number, for example --rate=1000");
        assertThatThrownBy(() -> parse("--faults=relay-crash,meteor")).hasMessageContaining("'meteor' is not a fault")
                .hasMessageContaining("client-retry, business-resend, connector-crash, dedup-crash, card-crash, malformed-rows");
        assertThatThrownBy(() -> parse("--kafka.bootstrap.servers=k:9092"))
                .hasMessageStartingWith("--kafka.bootstrap.servers and --database.url go together");
        assertThatThrownBy(() -> parse("--bootstrap-servers=k:9092"))
                .hasMessageStartingWith("--bootstrap-servers and --database.url go together");
        assertThatThrownBy(() -> parse("--kafka.bootstrap.servers=k:9092", "--database.url=postgres://db/x"))
                .hasMessage("--database.url='postgres://db/x' must look like jdbc:postgresql://host:5432/dbname");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "k:9092", "--jdbc-url", "postgres://db/x"))
                .hasMessageStartingWith("--jdbc-url='postgres://db/x' must look like");
        assertThatThrownBy(() -> parse("--reset")).hasMessageStartingWith("--reset is for your own servers");
        assertThatThrownBy(() -> parse("--reset=yes")).hasMessage("--reset is a flag: give it without a value");
        assertThatThrownBy(() -> parse("--event=5")).hasMessage("--event is not an option of the demo; see --help");
        assertThatThrownBy(() -> parse("--events")).hasMessage("--events needs a value: --events=N");
        assertThatThrownBy(() -> parse("--jdbc-url", "--reset")).hasMessage("--jdbc-url needs a value: --database.url=URL");
        assertThatThrownBy(() -> parse("--jdbc-url=jdbc:postgresql://a/b", "--database.url=jdbc:postgresql://c/d"))
                .hasMessage("--jdbc-url and --database.url are the same option: give it once, as --database.url=URL");
        assertThatThrownBy(() -> parse("stray")).hasMessage("argument 'stray' is not understood: options are --option=value; see --help");
    }

    @Test
    void aUsageErrorExitsWithTwoAndHelpWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(MembershipDemo.exitCode(new String[] {"--events=-5"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Usage error: --events=-5 is out of range");
        assertThat(MembershipDemo.exitCode(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--events=N").contains("--faults=LIST")
                .contains("--kafka.bootstrap.servers=H").contains("--database.url=URL").contains("--reset ")
                .contains("Exit code: 0 when the verdict holds");
    }

    @Test
    void aFormerSpellingIsNotedOnTheErrorStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(MembershipDemo.exitCode(new String[] {"--events", "5", "--help"}, print(out), print(err))).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Note: '--events 5' is a former spelling; write --events=5"
                + System.lineSeparator());
    }

    private static DemoOptions parse(String... args) {
        return DemoOptions.parse(args, Map.of());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}

package io.onceonly.demo.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.onceonly.demo.membership.driver.Fault;
import io.onceonly.demo.membership.report.Check;
import io.onceonly.demo.membership.report.DemoReport;
import io.onceonly.testkit.TestStack;
import io.onceonly.testkit.WithStack;

/**
 * The README's demo, small, on the class's stack as "your own servers" (so each run starts with
 * {@code --reset}): once with every fault, once with none.
 */
@WithStack
class MembershipDemoIT {

    @Test
    void withEveryFaultEveryPaymentGetsExactlyOneCard(TestStack stack) throws Exception {
        Path dir = Path.of("target", "demo-it-all-faults");
        DemoReport report = run(stack, dir, "--events=2000", "--faults=all");

        assertThat(report.checks()).allSatisfy(c -> assertThat(c.holds()).as(c.claim() + ": " + c.evidence()).isTrue());
        assertThat(report.holds()).isTrue();
        assertThat(report.fired().keySet()).containsExactlyInAnyOrder(Fault.values());
        assertThat(report.fired()).allSatisfy((fault, times) -> assertThat(times).as(fault.option() + " fired").isPositive());
        assertThat(report.duplicatesCreated()).isPositive();
        // The connector runs exactly-once with a standby: its crash resends nothing, and the report says how long the takeover took.
        assertThat(report.checks()).extracting(Check::claim).contains("each outbox row once on Kafka (exactly-once connector)");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("## Verdict: HOLDS").containsPattern("the standby relayed again"
                + " [0-9.]+ s later \\(takeover\\)");
        assertThat(Files.readString(dir.resolve("latency.svg"))).startsWith("<svg").contains("connector-crash");
    }

    @Test
    void withoutFaultsNoDuplicateIsCreatedAnywhere(TestStack stack) throws Exception {
        DemoReport report = run(stack, Path.of("target", "demo-it-no-faults"), "--events=1000", "--faults=none");

        assertThat(report.checks()).allSatisfy(c -> assertThat(c.holds()).as(c.claim() + ": " + c.evidence()).isTrue());
        assertThat(report.duplicatesCreated()).isZero();
        assertThat(report.fired()).isEmpty();
        assertThat(report.checks()).extracting(Check::claim).contains("no second card for one payment");
    }

    @Test
    void aKafkaThatIsNotThereIsNamedWithTheOptionToFix(TestStack stack) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MembershipDemo.exitCode(new String[] {"--kafka.bootstrap.servers=127.0.0.1:1",
                "--database.url=" + stack.postgres().jdbcUrl(), "--database.password=" + stack.postgres().password(),
                "--report-dir=target/demo-it-no-kafka"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("The demo could not run: cannot list the topics of Kafka at 127.0.0.1:1")
                .contains("check --kafka.bootstrap.servers").doesNotContain("\tat ");
    }

    private static DemoReport run(TestStack stack, Path dir, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "--database.url=" + stack.postgres().jdbcUrl(), "--database.user=" + stack.postgres().username(),
                "--database.password=" + stack.postgres().password(), "--reset", "--report-dir=" + dir));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoReport report = MembershipDemo.run(DemoOptions.parse(all.toArray(new String[0]), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(out.toString(StandardCharsets.UTF_8));
        return report;
    }
}

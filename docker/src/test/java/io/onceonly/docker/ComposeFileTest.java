package io.onceonly.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.onceonly.runtime.AppOptions;

/**
 * Keeps compose.yaml (and compose.three-brokers.yaml laid over it) true to the apps, without a
 * Docker engine: every ONCE_* variable is an option the app takes and its own parser accepts,
 * every health check calls /health on the port the app listens on and exposes, the dedup app
 * can be scaled, the brokers form one cluster with the replication the exactly-once topics need,
 * and the files the build and the mounts read exist. The second half shows each rule failing.
 */
class ComposeFileTest {

    private static final Path DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path COMPOSE = DIR.resolve("compose.yaml");
    private static final Path THREE_BROKERS = DIR.resolve("compose.three-brokers.yaml");

    /** A dedup service that passes every rule; the failing cases below each change one thing in it. */
    private static final String DEDUP = """
            services:
              dedup:
                build:
                  context: ..
                  dockerfile: docker/Dockerfile
                  args:
                    MODULE: dedup-streams
                environment:
                  ONCE_KAFKA_BOOTSTRAP_SERVERS: broker.example:9092
                  ONCE_STATE_DIR: /var/lib/once/data/dedup-state
                  ONCE_HTTP_PORT: "8084"
                volumes:
                  - /var/lib/once/data
                ports:
                  - target: 8084
                healthcheck:
                  test: ["CMD", "curl", "-fsS", "http://localhost:8084/health"]
            """;

    @Test
    void composeYamlRunsTheConnectorAndTheDedupAppAsTheyAreDocumented() {
        ComposeFile compose = ComposeFile.read(COMPOSE);

        assertThat(compose.services()).containsKeys("postgres", "kafka", "connector", "dedup");
        assertThat(compose.services().get("connector").buildModule()).contains("outbox-connector");
        assertThat(compose.services().get("dedup").buildModule()).contains("dedup-streams");
        assertThat(ComposeRules.check(compose)).isEmpty();
    }

    @Test
    void threeBrokersReplicateEveryTopicThreeTimesWithMinIsrTwo() {
        ComposeFile compose = ComposeFile.read(COMPOSE, THREE_BROKERS);

        assertThat(ComposeRules.check(compose)).isEmpty();
        for (String broker : new String[] {"kafka", "kafka-2", "kafka-3"}) {
            Map<String, String> env = compose.services().get(broker).environment();
            BrokerRules.REPLICATION_FACTORS.forEach(setting -> assertThat(env).containsEntry(setting, "3"));
            BrokerRules.MIN_ISRS.forEach(setting -> assertThat(env).containsEntry(setting, "2"));
        }
        assertThat(compose.services().get("dedup").environment())
                .containsEntry("ONCE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092,kafka-2:9092,kafka-3:9092");
    }

    @Test
    void theSingleBrokerKeepsEveryTopicAtReplicationFactorOne() {
        Map<String, String> env = ComposeFile.read(COMPOSE).services().get("kafka").environment();

        BrokerRules.REPLICATION_FACTORS.forEach(setting -> assertThat(env).containsEntry(setting, "1"));
        BrokerRules.MIN_ISRS.forEach(setting -> assertThat(env).containsEntry(setting, "1"));
    }

    @Test
    void theEntrypointSetsOnlyOptionsOfTheAppItGuardsThemFor() throws IOException {
        String script = Files.readString(DIR.resolve("app-entrypoint.sh"));
        Matcher variables = Pattern.compile("\\bONCE_[A-Z0-9_]+").matcher(script);
        int found = 0;
        while (variables.find()) {
            found++;
            assertThat(DeployableApp.DEDUP_STREAMS.accepts(AppOptions.optionName(variables.group())))
                    .as("%s in app-entrypoint.sh is an option of dedup-streams", variables.group()).isTrue();
        }
        assertThat(found).isPositive();
        assertThat(script).contains("\"${APP_MODULE}\" = \"" + DeployableApp.DEDUP_STREAMS.module() + "\"");
    }

    @Test
    void theBaselineOfTheFailingCasesPassesEveryRule() {
        assertThat(ComposeRules.check(inline(DEDUP))).isEmpty();
    }

    @Test
    void aMisspelledVariableIsReportedWithTheServiceTheVariableAndTheFix() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_STATE_DIR: /var", "ONCE_STATE_DIRR: /var"));

        assertThat(ComposeRules.appOptions(compose)).singleElement().asString().contains(
                "service dedup", "ONCE_STATE_DIRR", "option state.dirr", "did you mean ONCE_STATE_DIR (state.dir)?",
                "docker compose run --rm --no-deps dedup --list-options");
    }

    @Test
    void anOptionOfTheOtherAppIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_DATABASE_URL: jdbc:postgresql://db:5432/x\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.appOptions(compose)).singleElement().asString().contains(
                "service dedup", "ONCE_DATABASE_URL", "dedup-streams does not take", "none of its own options nor under kafka.*",
                "--list-options");
    }

    @Test
    void aVariableThatIsNeverReadIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "once_retention_ms: \"60000\"\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.appOptions(compose)).singleElement().asString()
                .contains("service dedup", "once_retention_ms is never read", "ONCE_RETENTION_MS");
    }

    @Test
    void aValueTheAppRefusesIsReportedInItsOwnWords() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_PROCESSING_GUARANTEE: exactly_once\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.appOptions(compose)).singleElement().asString().contains(
                "service dedup", "dedup-streams refuses its configuration", "processing.guarantee", "exactly_once", "--list-options");
    }

    @Test
    void aOnceVariableOnAServiceThatIsNoAppIsReported() {
        ComposeFile compose = inline(DEDUP + """
                  postgres:
                    image: postgres:17
                    environment:
                      ONCE_DATABASE_USER: once_connector
                """);

        assertThat(ComposeRules.check(compose)).singleElement().asString()
                .contains("service postgres", "ONCE_DATABASE_USER", "this service is none of them");
    }

    @Test
    void aHealthCheckOnAnotherPortIsReported() {
        ComposeFile compose = inline(DEDUP.replace("http://localhost:8084/health", "http://localhost:8083/health"));

        assertThat(ComposeRules.healthChecks(compose)).singleElement().asString().contains(
                "service dedup", "calls port 8083", "dedup-streams listens on 8084 (ONCE_HTTP_PORT)");
    }

    @Test
    void aPortThatIsNotExposedIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT: \"8084\"", "ONCE_HTTP_PORT: \"9000\"")
                .replace("localhost:8084", "localhost:9000"));

        assertThat(ComposeRules.healthChecks(compose)).singleElement().asString().contains(
                "service dedup", "listens on 9000", "neither exposes nor publishes container port 9000");
    }

    @Test
    void theDefaultPortCountsWhenNoneIsGiven() {
        ComposeFile compose = inline(DEDUP.replace("      ONCE_HTTP_PORT: \"8084\"\n", "").replace("localhost:8084", "localhost:8083"));

        assertThat(ComposeRules.healthChecks(compose)).singleElement().asString()
                .contains("calls port 8083", "listens on 8084 (the default of http.port)");
    }

    @Test
    void aDedupServiceThatCannotBeScaledIsReported() {
        ComposeFile compose = inline(DEDUP.replace("    ports:\n      - target: 8084", "    container_name: once-dedup\n    ports:\n      - \"8084:8084\""));

        assertThat(ComposeRules.scaling(compose)).satisfiesExactlyInAnyOrder(
                problem -> assertThat(problem).contains("service dedup", "container_name once-dedup", "--scale dedup=N"),
                problem -> assertThat(problem).contains("service dedup", "host port 8084 is fixed"));
    }

    @Test
    void aStateDirectorySharedByTheReplicasIsReported() {
        ComposeFile compose = inline(DEDUP.replace("- /var/lib/once/data", "- dedup-state:/var/lib/once/data"));

        assertThat(ComposeRules.scaling(compose)).singleElement().asString()
                .contains("service dedup", "is on dedup-state, which every replica would share", "anonymous volume");
    }

    @Test
    void aBootstrapListThatLeavesOutABrokerIsReported() {
        ComposeFile compose = ComposeFile.read(COMPOSE, THREE_BROKERS).overriddenBy(inline("""
                services:
                  connector:
                    environment:
                      ONCE_KAFKA_BOOTSTRAP_SERVERS: kafka:9092
                """));

        assertThat(ComposeRules.check(compose)).singleElement().asString().contains(
                "service connector", "ONCE_KAFKA_BOOTSTRAP_SERVERS=kafka:9092", "kafka-2:9092,kafka-3:9092,kafka:9092");
    }

    @Test
    void aBrokerWithTheSingleNodeReplicationInAThreeNodeClusterIsReported() {
        ComposeFile compose = ComposeFile.read(COMPOSE, THREE_BROKERS).overriddenBy(inline("""
                services:
                  kafka-3:
                    environment:
                      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1
                      KAFKA_CONTROLLER_QUORUM_VOTERS: 3@kafka-3:9093
                """));

        assertThat(ComposeRules.check(compose)).satisfiesExactlyInAnyOrder(
                problem -> assertThat(problem).contains("service kafka-3", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR is 1; set 2"),
                problem -> assertThat(problem).contains("service kafka-3", "KAFKA_CONTROLLER_QUORUM_VOTERS=3@kafka-3:9093",
                        "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"));
    }

    @Test
    void aMissingDockerfileIsReported() {
        ComposeFile compose = inline(DEDUP.replace("dockerfile: docker/Dockerfile", "dockerfile: docker/Dockerfile.missing"));

        assertThat(ComposeRules.buildInputs(compose)).singleElement().asString().contains("service dedup", "Dockerfile.missing does not exist");
    }

    @Test
    void anUnknownModuleIsReported() {
        ComposeFile compose = inline(DEDUP.replace("MODULE: dedup-streams", "MODULE: demo-membership"));

        assertThat(ComposeRules.appOptions(compose)).singleElement().asString()
                .contains("service dedup", "MODULE=demo-membership is no app these checks know", "DeployableApp");
    }

    @Test
    void aPasswordWithADefaultIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_KAFKA_SSL_KEY_PASSWORD: ${KEY_PASSWORD:-changeit}\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.secrets(compose)).singleElement().asString()
                .contains("service dedup", "ONCE_KAFKA_SSL_KEY_PASSWORD has a default secret", "${KEY_PASSWORD:?set KEY_PASSWORD}");
    }

    @Test
    void aPasswordWrittenInTheFileIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_KAFKA_SSL_KEY_PASSWORD: changeit\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.secrets(compose)).singleElement().asString()
                .contains("service dedup", "ONCE_KAFKA_SSL_KEY_PASSWORD is a secret written in the file");
    }

    @Test
    void aRequiredPasswordWhoseMessageDoesNotNameItIsReported() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_KAFKA_SSL_KEY_PASSWORD: ${KEY_PASSWORD:?required}\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.secrets(compose)).singleElement().asString()
                .contains("service dedup", "does not name KEY_PASSWORD");
    }

    @Test
    void anEmptyDefaultThatTheServiceChecksItselfIsAllowed() {
        ComposeFile compose = inline(DEDUP.replace("ONCE_HTTP_PORT:", "ONCE_KAFKA_SSL_KEY_PASSWORD: ${KEY_PASSWORD:-}\n      ONCE_HTTP_PORT:"));

        assertThat(ComposeRules.secrets(compose)).isEmpty();
    }

    private static ComposeFile inline(String yaml) {
        return ComposeFile.parse(yaml, DIR);
    }
}

package io.onceonly.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The Testcontainers variant: exercised where Docker exists, skipped with the reason elsewhere. */
class ContainersStackIT {

    @Test
    void withoutDockerAskingForContainersFailsWithOneClearSentence() {
        assumeFalse(DockerEngine.isAvailable(), "a Docker engine answers here, so the failure path cannot be shown");

        assertThatThrownBy(() -> TestStack.start(StackKind.CONTAINERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(DockerEngine.unavailableReason())
                .hasMessageContaining("run without -Donce.stack=containers");
    }

    @Test
    void containersRunKafkaAndLogicalPostgres() throws Exception {
        assumeTrue(DockerEngine.isAvailable(), DockerEngine.unavailableReason());

        try (TestStack stack = TestStack.start(StackKind.CONTAINERS)) {
            assertThat(PostgresIT.query(stack.postgres().dataSource(), "show wal_level")).isEqualTo("logical");
            String topic = "containers-" + System.nanoTime();
            stack.kafka().createTopic(topic, 1);
            stack.kafka().restart();
            stack.postgres().restart();
            assertThat(PostgresIT.query(stack.postgres().dataSource(), "select 1")).isEqualTo("1");
        }
    }
}

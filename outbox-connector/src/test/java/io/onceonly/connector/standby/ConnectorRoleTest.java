package io.onceonly.connector.standby;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class ConnectorRoleTest {

    @Test
    void theGaugesShowTheRoleAndWhenItChanged() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectorRole role = new ConnectorRole(registry, Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC));
        role.start(Role.STANDBY, "slot held");
        assertThat(registry.get("once.connector.active").gauge().value()).isZero();
        assertThat(registry.get("once.connector.role.changed.timestamp.seconds").gauge().value()).isEqualTo(1_000.0);

        ConnectorRole later = new ConnectorRole(new SimpleMeterRegistry(), Clock.fixed(Instant.ofEpochSecond(2_000), ZoneOffset.UTC));
        later.become(Role.ACTIVE, "slot free");
        assertThat(later.current()).isEqualTo(Role.ACTIVE);
        assertThat(later.since()).isEqualTo(Instant.ofEpochSecond(2_000));
        assertThat(Role.ACTIVE.label()).isEqualTo("active");
    }

    @Test
    void becomingTheSameRoleKeepsItsTime() {
        Instant[] now = {Instant.ofEpochSecond(1)};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectorRole role = new ConnectorRole(registry, clock);
        role.start(Role.ACTIVE, "slot free");
        now[0] = Instant.ofEpochSecond(5);
        role.become(Role.ACTIVE, "again");
        assertThat(role.since()).isEqualTo(Instant.ofEpochSecond(1));
        assertThat(registry.get("once.connector.active").gauge().value()).isEqualTo(1.0);
        role.become(Role.STANDBY, "taken over");
        assertThat(role.since()).isEqualTo(Instant.ofEpochSecond(5));
        assertThat(registry.get("once.connector.active").gauge().value()).isZero();
    }
}

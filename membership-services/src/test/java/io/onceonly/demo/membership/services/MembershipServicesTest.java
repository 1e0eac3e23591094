package io.onceonly.demo.membership.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The jar's first argument picks the service; anything else is a usage error that names both. */
class MembershipServicesTest {

    @Test
    void withoutAServiceItIsAUsageErrorNamingBoth() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = MembershipServices.run(new String[0], new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("name the service to run", "payment-service", "card-service");
    }

    @Test
    void anUnknownServiceIsNamedInTheUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = MembershipServices.run(new String[] {"--database.url=jdbc:postgresql://db/x"},
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("'--database.url=jdbc:postgresql://db/x' is not a service", "membership-services.jar");
    }

    @Test
    void theServicesAreNamedAsComposeStartsThem() {
        assertThat(MembershipServices.names("payment-service")).isTrue();
        assertThat(MembershipServices.names("card-service")).isTrue();
        assertThat(MembershipServices.names("demo")).isFalse();
    }
}

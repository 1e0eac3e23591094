package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaRefusalTest {

    private static final Map<String, String> SCRAM = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"relay\" password=\"s3cret\";");

    @Test
    void aRefusedSaslLoginNamesTheUserTheMechanismAndTheOptionButNotThePassword() {
        KafkaRefusal refusal = KafkaRefusal.in(new IllegalStateException("cannot list the topics",
                new ExecutionException(new SaslAuthenticationException("invalid credentials"))), SCRAM).orElseThrow();
        assertThat(refusal.login()).isTrue();
        assertThat(refusal.message()).contains("Kafka at kafka:9093 refused the SASL login of User:relay (SCRAM-SHA-512)",
                "kafka.sasl.jaas.config", "--entity-name relay", "invalid credentials").doesNotContain("s3cret");
    }

    @Test
    void aFailedTlsHandshakeNamesTheTrustStore() {
        KafkaRefusal refusal = KafkaRefusal.in(new SslAuthenticationException("PKIX path building failed"), SCRAM).orElseThrow();
        assertThat(refusal.login()).isTrue();
        assertThat(refusal.message()).contains("TLS handshake with Kafka at kafka:9093", "kafka.ssl.truststore.location", "PKIX");
    }

    @Test
    void aMissingAclNamesThePrincipalTheResourceAndTheGrant() {
        assertThat(KafkaRefusal.in(new TopicAuthorizationException(Set.of("deduped.payment")), SCRAM).orElseThrow().message())
                .contains("denied User:relay access to topic deduped.payment", "--allow-principal User:relay", "--topic deduped.payment");
        KafkaRefusal group = KafkaRefusal.in(new GroupAuthorizationException("denied", "cards"), SCRAM).orElseThrow();
        assertThat(group.login()).isFalse();
        assertThat(group.message()).contains("denied User:relay access to consumer group cards", "--operation Read --group cards");
        assertThat(KafkaRefusal.in(new TransactionalIdAuthorizationException("denied"), Map.of("transactional.id", "c.relay"))
                .orElseThrow().message()).contains("denied User:ANONYMOUS its transactional id c.relay", "--transactional-id c.relay");
    }

    @Test
    void otherErrorsAreNoRefusal() {
        assertThat(KafkaRefusal.in(new TimeoutException("no broker"), SCRAM)).isEmpty();
        assertThat(KafkaRefusal.in(new IllegalStateException("x"), Map.of())).isEmpty();
    }

    @Test
    void thePrincipalIsTheJaasUserOrWhatTheProtocolMakesIt() {
        assertThat(KafkaRefusal.principal(SCRAM)).isEqualTo("User:relay");
        assertThat(KafkaRefusal.principal(Map.of("security.protocol", "SSL"))).isEqualTo("the principal of the client certificate");
        assertThat(KafkaRefusal.principal(Map.of())).isEqualTo("User:ANONYMOUS");
    }
}

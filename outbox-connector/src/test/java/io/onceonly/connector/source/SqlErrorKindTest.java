package io.onceonly.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.sql.SQLException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

/** A TLS failure stops the start at once; a connection that broke during the handshake is tried again. */
class SqlErrorKindTest {

    private static SQLException failure(String message, String state, Throwable cause) {
        return new SQLException(message, state, cause);
    }

    @Test
    void tlsFailuresOfTheDriverAndTheServersNoEncryptionRefusalAreTls() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        assertThat(SqlErrorKind.of(failure("SSL error: PKIX path building failed", "08006", untrusted))).isEqualTo(SqlErrorKind.TLS);
        assertThat(SqlErrorKind.of(failure("The server does not support SSL.", "08004", null))).isEqualTo(SqlErrorKind.TLS);
        assertThat(SqlErrorKind.of(failure("The hostname db could not be verified by hostnameverifier PgjdbcHostnameVerifier.",
                "08006", null))).isEqualTo(SqlErrorKind.TLS);
        assertThat(SqlErrorKind.of(failure("FATAL: no pg_hba.conf entry for host \"10.0.0.7\", user \"relay\", database \"shop\","
                + " no encryption", "28000", null))).isEqualTo(SqlErrorKind.TLS);
    }

    @Test
    void aConnectionThatBrokeOrWasRefusedIsTriedAgainAndOtherRefusalsStayPermanent() {
        SSLHandshakeException broken = new SSLHandshakeException("Remote host terminated the handshake");
        broken.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(SqlErrorKind.of(failure("SSL error: Remote host terminated the handshake", "08006", broken)))
                .isEqualTo(SqlErrorKind.TRANSIENT);
        assertThat(SqlErrorKind.of(failure("Connection to db:5432 refused.", "08001", new ConnectException("refused"))))
                .isEqualTo(SqlErrorKind.TRANSIENT);
        assertThat(SqlErrorKind.of(failure("FATAL: no pg_hba.conf entry for host \"10.0.0.7\", user \"relay\", database"
                + " \"shop\", SSL encryption", "28000", null))).isEqualTo(SqlErrorKind.PERMANENT);
    }
}

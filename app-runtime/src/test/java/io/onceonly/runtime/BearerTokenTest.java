package io.onceonly.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

    private static final BearerToken TOKEN = new BearerToken("s3cret");

    @Test
    void anEmptyTokenDemandsNothing() {
        BearerToken none = new BearerToken("");

        assertThat(none.required()).isFalse();
        assertThatCode(() -> none.check(request(null))).doesNotThrowAnyException();
        assertThat(none.authorization()).isEmpty();
    }

    @Test
    void aMissingTokenIs401WithTheBearerChallenge() {
        for (String authorization : new String[] {null, "", "Basic czNjcmV0", "Bearers3cret"}) {
            assertThatThrownBy(() -> TOKEN.check(request(authorization))).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"once\"");
                        assertThat(e.getMessage()).contains("Authorization: Bearer <token>");
                    });
        }
    }

    @Test
    void aWrongTokenIs401InvalidTokenAndNeverShowsEitherToken() {
        for (String authorization : new String[] {"Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Bearer "}) {
            assertThatThrownBy(() -> TOKEN.check(request(authorization))).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"");
                        assertThat(e.getMessage()).doesNotContain("s3cre").doesNotContain("S3CRET");
                    });
        }
    }

    @Test
    void theRightTokenPassesWhateverTheSchemesCase() {
        assertThatCode(() -> TOKEN.check(request("Bearer s3cret"))).doesNotThrowAnyException();
        assertThatCode(() -> TOKEN.check(request("bearer s3cret"))).doesNotThrowAnyException();
        assertThatCode(() -> TOKEN.check(request(TOKEN.authorization()))).doesNotThrowAnyException();
        assertThat(TOKEN.toString()).doesNotContain("s3cret");
    }

    private static FakeExchange request(String authorization) {
        FakeExchange exchange = new FakeExchange("GET", URI.create("/biz-ids/x"));
        if (authorization != null) {
            exchange.getRequestHeaders().set("Authorization", authorization);
        }
        return exchange;
    }
}

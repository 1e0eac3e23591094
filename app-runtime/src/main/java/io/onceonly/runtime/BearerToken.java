package io.onceonly.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/**
 * The shared secret a route may demand in {@code Authorization: Bearer <token>} (RFC 6750); an
 * empty token demands nothing. Tokens are compared by their SHA-256 digests with
 * {@link MessageDigest#isEqual}, so that the time a refusal takes says nothing about how much of
 * a guess was right, nor about the token's length.
 */
public final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private final String token;
    private final byte[] digest;

    /** @param token the token; empty for none */
    public BearerToken(String token) {
        this.token = token == null ? "" : token;
        this.digest = sha256(this.token);
    }

    /** Whether requests must carry the token. */
    public boolean required() {
        return !token.isEmpty();
    }

    /**
     * Checks the request's {@code Authorization} header.
     *
     * @throws RequestRefusedException 401 with {@code WWW-Authenticate: Bearer} when the token is
     *     required and missing or wrong
     */
    public void check(HttpExchange exchange) {
        if (!required()) {
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new RequestRefusedException(401, "this route needs the header 'Authorization: Bearer <token>'"
                    + " with the token the app was started with", Map.of("WWW-Authenticate", "Bearer realm=\"once\""));
        }
        if (!MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).strip()))) {
            throw new RequestRefusedException(401, "the bearer token is not the one the app was started with",
                    Map.of("WWW-Authenticate", "Bearer realm=\"once\", error=\"invalid_token\""));
        }
    }

    /** The {@code Authorization} header value that passes {@link #check}, for calls to other instances; empty when none is required. */
    public String authorization() {
        return required() ? SCHEME + token : "";
    }

    @Override
    public String toString() {
        return required() ? "BearerToken[" + EffectiveConfig.HIDDEN + "]" : "BearerToken[none]";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.onceonly.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How {@link IdempotentConsumer} stores a consumer name or biz-id in {@code processed_message}.
 *
 * <p>A value of at most {@value #VERBATIM_MAX_BYTES} bytes of UTF-8 is stored as it is (so rows
 * written before this rule still match). A longer one would not fit PostgreSQL's btree index row
 * (about 2,700 bytes for the whole key), so it is stored as its first
 * {@value #KEPT_PREFIX_MAX_BYTES} bytes or so, for people reading the table, then
 * {@code " sha256:"} and the SHA-256 of the whole value in hex. That form is always longer than
 * {@value #VERBATIM_MAX_BYTES} bytes, so it can never equal a value stored as it is: equal values
 * give equal keys, distinct values distinct keys.
 */
final class ClaimKey {

    /** Longest value stored as it is; two of them (name and biz-id) fit in one btree index row. */
    static final int VERBATIM_MAX_BYTES = 1024;
    /** The kept prefix ends on a code point at most this far in, so at least 957 bytes are kept. */
    static final int KEPT_PREFIX_MAX_BYTES = 960;
    static final String DIGEST_MARK = " sha256:";

    private ClaimKey() {
    }

    static String of(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= VERBATIM_MAX_BYTES) {
            return value;
        }
        return keptPrefix(value) + DIGEST_MARK + hex(sha256(utf8));
    }

    private static String keptPrefix(String value) {
        int bytes = 0;
        int end = 0;
        while (end < value.length()) {
            int cp = value.codePointAt(end);
            int cpBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + cpBytes > KEPT_PREFIX_MAX_BYTES) {
                break;
            }
            bytes += cpBytes;
            end += Character.charCount(cp);
        }
        return value.substring(0, end);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}

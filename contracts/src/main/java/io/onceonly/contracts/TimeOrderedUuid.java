package io.onceonly.contracts;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Event ids made this
 * way arrive in roughly ascending order, so inserts land at the right edge of the primary-key
 * index instead of on random pages.
 */
final class TimeOrderedUuid {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedUuid() {
    }

    static UUID next() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt() & 0xFFFL;
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}

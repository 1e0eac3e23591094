package io.onceonly.stack;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, for tests and harnesses that watch servers change state. */
public final class Await {

    private static final long POLL_MS = 100;

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds.
     *
     * @param what what is awaited, for the failure message
     * @throws AssertionError naming {@code what} when it did not hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /**
     * Polls {@code condition} until it holds; on time-out the message adds {@code state}, the
     * observed state that explains the failure.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "; last seen: " + state.get());
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}

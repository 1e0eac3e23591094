package io.onceonly.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, for tests and harnesses that watch servers change state:
 * the one home of the wait-until loop.
 *
 * <p>A probe that throws a checked exception means "not yet" (a server still starting refuses
 * connections); the last such exception becomes the cause of the time-out. A runtime exception
 * ends the wait at once: the probe saw something that will not get better, such as a process that
 * exited.
 */
public final class Await {

    private static final long POLL_MS = 100;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Await() {
    }

    /** A condition polled until it holds; see the class comment for what its exceptions mean. */
    @FunctionalInterface
    public interface Condition {
        /** Whether the awaited state is reached. */
        boolean holds() throws Exception;
    }

    /** A value polled until it is there; see the class comment for what its exceptions mean. */
    @FunctionalInterface
    public interface Probe<T> {
        /** The awaited value, or null while it is not there yet. */
        T get() throws Exception;
    }

    /**
     * Polls {@code condition} until it holds.
     *
     * @param what what is awaited, for the failure message
     * @throws IllegalStateException naming {@code what} when it did not hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, Condition condition) {
        until(what, timeout, condition, () -> "");
    }

    /**
     * Polls {@code condition} until it holds; on time-out the message adds {@code state}, the
     * observed state that explains the failure.
     */
    public static void until(String what, Duration timeout, Condition condition, Supplier<Object> state) {
        value(what, timeout, () -> condition.holds() ? Boolean.TRUE : null, state);
    }

    /**
     * Polls {@code probe} until it returns a value.
     *
     * @return the first value that is not null
     * @throws IllegalStateException naming {@code what} when none came within {@code timeout}
     */
    public static <T> T value(String what, Duration timeout, Probe<T> probe) {
        return value(what, timeout, probe, () -> "");
    }

    /** As {@link #value(String, Duration, Probe)}; on time-out the message adds {@code state}. */
    public static <T> T value(String what, Duration timeout, Probe<T> probe, Supplier<Object> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception notYet = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                notYet = e;
            }
            if (System.nanoTime() > deadline) {
                Object seen = state.get();
                String last = seen == null || "".equals(seen) ? "" : "; last seen: " + seen;
                throw new IllegalStateException("not within " + timeout.toSeconds() + " s: " + what + last
                        + (notYet == null ? "" : "; last error: " + notYet), notYet);
            }
            sleep(what);
        }
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes, for callers that go on
     * either way (a measurement reports what arrived).
     *
     * @return whether it held
     */
    public static boolean holdsWithin(Duration timeout, Condition condition) {
        try {
            until("a condition", timeout, condition);
            return true;
        } catch (IllegalStateException timedOut) {
            if (Thread.currentThread().isInterrupted()) {
                throw timedOut;
            }
            return false;
        }
    }

    /**
     * Waits until {@code health} (an app's {@code /health}) answers 200.
     *
     * @param what the app, for the failure message
     */
    public static void healthy(String what, URI health, Duration timeout) {
        healthy(what, health, timeout, body -> true);
    }

    /**
     * Waits until {@code health} answers 200 with a body that {@code up} accepts, such as one that
     * names a state; an app not listening yet is "not yet".
     */
    public static void healthy(String what, URI health, Duration timeout, Predicate<String> up) {
        until(what + " healthy at " + health, timeout, healthUp(health, up));
    }

    /**
     * The condition of {@link #healthy(String, URI, Duration, Predicate)}, for a caller that also
     * watches something else while it waits (a child process that may exit).
     */
    public static Condition healthUp(URI health, Predicate<String> up) {
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
        return () -> {
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && up.test(answer.body());
        };
    }

    private static void sleep(String what) {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }
}

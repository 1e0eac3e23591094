package io.onceonly.runtime;

import java.util.Map;

/**
 * A request the ops server answers with a client error (or 503 when it is busy), never with a
 * stack trace: thrown by a route's parsing and checks, turned by the server into
 * {@code status {"error": message}} with {@link #headers()}.
 */
public final class RequestRefusedException extends IllegalArgumentException {

    private static final int SHOWN_CHARS = 64;

    private final int status;
    private final Map<String, String> headers;

    /**
     * @param status the HTTP status, 4xx (or 503 for a full pool)
     * @param message what was wrong and what to send instead; shown to the client
     */
    public RequestRefusedException(int status, String message) {
        this(status, message, Map.of());
    }

    /** As {@link #RequestRefusedException(int, String)}, with response headers such as {@code Allow} or {@code WWW-Authenticate}. */
    public RequestRefusedException(int status, String message, Map<String, String> headers) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an error status: use 4xx or 5xx");
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** Headers to answer with. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * {@code value} as an error message shows it: quoted and cut to a few dozen characters, since
     * what a client sent may be huge and ends up in its own answer and in logs.
     */
    public static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= SHOWN_CHARS ? "'" + value + "'"
                : "'" + value.substring(0, SHOWN_CHARS) + "...' (" + value.length() + " characters)";
    }
}

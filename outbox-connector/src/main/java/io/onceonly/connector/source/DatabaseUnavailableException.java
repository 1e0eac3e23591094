package io.onceonly.connector.source;

/**
 * The source database did not become reachable within {@code database.start.timeout.ms}. Not a
 * configuration error: the same settings may work once the database is up (exit code 1, not 2).
 */
public final class DatabaseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

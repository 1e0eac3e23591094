package io.onceonly.cli;

/**
 * What the command could not do, in one sentence a person can act on: it is printed as it is and
 * the command exits with 1 (not found, refused, failed). Configuration mistakes are
 * {@link org.apache.kafka.common.config.ConfigException}s instead, and exit with 2.
 */
public final class CommandFailure extends RuntimeException {

    public CommandFailure(String message) {
        super(message);
    }

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

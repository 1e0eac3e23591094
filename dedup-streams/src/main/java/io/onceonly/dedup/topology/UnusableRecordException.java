package io.onceonly.dedup.topology;

/** A record that cannot be deduplicated; its message becomes the dead letter's {@code once-error}. */
final class UnusableRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnusableRecordException(String reason) {
        super(reason, null, false, false);
    }
}

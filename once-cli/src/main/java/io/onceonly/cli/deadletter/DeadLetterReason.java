package io.onceonly.cli.deadletter;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.onceonly.cli.kafka.RecordAddress;

/**
 * The {@code once-error} header of a dead letter. The dedup app starts its reasons with the input
 * position of the record ({@code outbox.payment-0@17: ...}), which is where a replay sends it back.
 */
public final class DeadLetterReason {

    private static final int BRIEF = 110;
    private static final Pattern INPUT_POSITION = Pattern.compile("^([a-zA-Z0-9._-]+)-(\\d+)@(\\d+): ");

    private DeadLetterReason() {
    }

    /** The reason cut to a line of a listing. */
    public static String brief(String reason) {
        if (reason == null || reason.isEmpty()) {
            return "(no once-error header)";
        }
        String line = reason.replace('\n', ' ');
        return line.length() <= BRIEF ? line : line.substring(0, BRIEF - 3) + "...";
    }

    /** Where the dedup app read the record, from its reason; empty for the connector's reasons. */
    public static Optional<RecordAddress> inputPosition(String reason) {
        if (reason == null) {
            return Optional.empty();
        }
        Matcher m = INPUT_POSITION.matcher(reason);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new RecordAddress(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
    }
}

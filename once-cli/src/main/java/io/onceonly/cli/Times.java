package io.onceonly.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How the command writes and reads times: UTC, to the millisecond. */
public final class Times {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** {@code 2026-12-01 14:00:01.123} (UTC); {@code -} for none. */
    public static String show(Instant at) {
        return at == null ? "-" : SHOWN.format(at);
    }

    /**
     * Reads {@code --since}: an instant ({@code 2026-12-01T14:00:00Z}) or a duration back from now
     * ({@code PT2H}, {@code P1D}).
     *
     * @throws IllegalArgumentException naming the value and both forms
     */
    public static Instant since(String text, Clock clock) {
        try {
            return text.startsWith("P") || text.startsWith("p")
                    ? clock.instant().minus(Duration.parse(text))
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "' is neither a time like 2026-12-01T14:00:00Z nor a"
                    + " duration back from now like PT2H or P1D");
        }
    }
}

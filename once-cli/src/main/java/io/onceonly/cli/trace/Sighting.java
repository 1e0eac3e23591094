package io.onceonly.cli.trace;

import java.time.Instant;
import java.util.Comparator;

/**
 * One place the business fact was seen.
 *
 * @param at when: the row's creation time, the record's timestamp, the claim's time; null when unknown
 * @param where the table or the record's address ({@code topic:partition:offset})
 * @param eventId the event id it carries, or null
 * @param detail what else a person needs there, or empty
 */
public record Sighting(Instant at, Stage stage, String where, String eventId, String detail) {

    /** Timeline order: by time, then by pipeline stage (a forward keeps its input record's timestamp). */
    public static final Comparator<Sighting> TIMELINE = Comparator
            .comparing(Sighting::at, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Sighting::stage);
}

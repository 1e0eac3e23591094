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
 * @param firstEventId on a dropped copy: the event the dedup app forwarded instead; else null
 * @param firstSeenAt on a dropped copy: when that event was forwarded; else null
 */
public record Sighting(Instant at, Stage stage, String where, String eventId, String detail, String firstEventId,
                       Instant firstSeenAt) {

    /** Timeline order: by time, then by pipeline stage (a forward keeps its input record's timestamp). */
    public static final Comparator<Sighting> TIMELINE = Comparator
            .comparing(Sighting::at, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Sighting::stage);

    /** A sighting of anything but a dropped copy. */
    public Sighting(Instant at, Stage stage, String where, String eventId, String detail) {
        this(at, stage, where, eventId, detail, null, null);
    }
}

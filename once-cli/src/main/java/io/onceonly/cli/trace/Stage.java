package io.onceonly.cli.trace;

/** The places a business fact goes, in pipeline order (the order of sightings at the same time). */
public enum Stage {
    /** A row of the outbox table. */
    OUTBOX_ROW("outbox row"),
    /** A row the connector could not route, on its dead-letter topic. */
    CONNECTOR_DEAD_LETTER("connector dead letter"),
    /** A record on an outbox topic, relayed by the connector. */
    RELAYED("relayed"),
    /** A record the dedup app could not use, on its dead-letter topic. */
    DEDUP_DEAD_LETTER("dedup dead letter"),
    /** A dead letter sent back by {@code once dead-letters replay}. */
    REPLAYED("replayed"),
    /** The record the dedup app forwarded to the output topic. */
    FORWARDED("forwarded"),
    /** A copy the dedup app dropped, audited on the duplicates topic. */
    DROPPED("dropped (duplicate)"),
    /** A consumer's claim of the biz-id ({@code processed_message}). */
    CLAIMED("claimed");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** How the timeline names it. */
    public String label() {
        return label;
    }
}

package io.onceonly.testkit;

import java.util.Locale;

/** Which servers a {@link TestStack} runs on, chosen with the system property {@code once.stack}. */
public enum StackKind {

    /** In-process KRaft broker and zonky PostgreSQL: no Docker (the default). */
    EMBEDDED,
    /** Testcontainers: the official Kafka and PostgreSQL images; needs a Docker engine. */
    CONTAINERS;

    /** The system property that selects the kind. */
    public static final String PROPERTY = "once.stack";

    /**
     * The kind named by {@code -Donce.stack}, {@link #EMBEDDED} when unset or blank.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static StackKind fromSystemProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    static StackKind parse(String value) {
        if (value == null || value.isBlank()) {
            return EMBEDDED;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "='" + value + "' is not a stack kind: use embedded (default) or containers");
        }
    }
}

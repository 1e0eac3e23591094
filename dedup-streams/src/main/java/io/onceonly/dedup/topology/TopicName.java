package io.onceonly.dedup.topology;

import java.util.regex.Pattern;

/** Kafka's rule for topic names: an output name built from a long input name can break it. */
public final class TopicName {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicName() {
    }

    /** Null when {@code topic} is a legal name, else why not. */
    public static String problem(String topic) {
        if (!LEGAL.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return "not a legal topic name: " + topic + " (at most 249 of a-z A-Z 0-9 . _ -)";
        }
        return null;
    }
}

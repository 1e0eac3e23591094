package io.onceonly.bench;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Commits of a Kafka Streams application's stream threads in this JVM, from the metrics Kafka Streams registers in JMX. */
final class StreamThreadCommits {

    private StreamThreadCommits() {
    }

    /** The sum of {@code commit-total} over the application's stream threads (their client ids start with its id). */
    static double total(String applicationId) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            double total = 0;
            for (ObjectName name : server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=*"), null)) {
                if (name.getKeyProperty("thread-id").startsWith(applicationId + "-")) {
                    total += ((Number) server.getAttribute(name, "commit-total")).doubleValue();
                }
            }
            return total;
        } catch (JMException e) {
            throw new IllegalStateException("Kafka Streams' commit-total of " + applicationId + " could not be read: " + e, e);
        }
    }
}

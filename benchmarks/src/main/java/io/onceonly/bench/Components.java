package io.onceonly.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU readings of the pipeline's parts: PostgreSQL (its processes), the connector and the dedup app
 * (child JVMs), the broker (threads of this JVM) and this JVM as a whole (broker, writers, consumer,
 * GC and JIT).
 */
final class Components {

    private final long connectorPid;
    private final long dedupPid;
    private final long postgresPid;

    /** @param postgresPid the postmaster, or -1 when PostgreSQL does not run on this machine */
    Components(long connectorPid, long dedupPid, long postgresPid) {
        this.connectorPid = connectorPid;
        this.dedupPid = dedupPid;
        this.postgresPid = postgresPid;
    }

    Reading read() throws IOException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("postgres", postgresPid < 0 ? Double.NaN : ProcessCpu.withChildren(postgresPid));
        seconds.put("connector", ProcessCpu.seconds(connectorPid));
        seconds.put("dedup", ProcessCpu.seconds(dedupPid));
        seconds.put("bench JVM", ProcessCpu.self());
        Map<String, ProcessThreads> children = new LinkedHashMap<>();
        children.put("connector", ProcessThreads.of(connectorPid));
        children.put("dedup", ProcessThreads.of(dedupPid));
        return new Reading(seconds, new ThreadCpu(), children);
    }

    /** CPU seconds of each part at one moment. */
    static final class Reading {
        private final Map<String, Double> seconds;
        private final ThreadCpu threads;
        private final Map<String, ProcessThreads> children;

        private Reading(Map<String, Double> seconds, ThreadCpu threads, Map<String, ProcessThreads> children) {
            this.seconds = seconds;
            this.threads = threads;
            this.children = children;
        }

        /** Each part's CPU between {@code earlier} and this reading, in % of one core over {@code window} seconds. */
        Map<String, Double> minus(Reading earlier, double window) {
            Map<String, Double> percent = new LinkedHashMap<>();
            seconds.forEach((part, now) -> percent.put(part, 100 * (now - earlier.seconds.get(part)) / window));
            percent.put("broker", 100 * threads.secondsSince(earlier.threads, ThreadCpu.broker()) / window);
            return percent;
        }

        /**
         * The busiest {@code top} thread groups of a child JVM ({@code connector} or {@code dedup})
         * between {@code earlier} and this reading, in % of one core over {@code window} seconds.
         */
        Map<String, Double> threadsSince(Reading earlier, String part, int top, double window) {
            Map<String, Double> percent = new LinkedHashMap<>();
            children.get(part).topSince(earlier.children.get(part), top).forEach((group, s) -> percent.put(group, 100 * s / window));
            return percent;
        }
    }
}

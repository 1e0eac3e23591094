package io.onceonly.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A reading of the CPU time of this JVM's live threads, to tell apart components that share the
 * JVM (the in-process broker, an in-process relay). Threads that end between two readings are not
 * counted, which long-lived server threads never do; GC and JIT threads are not Java threads and
 * are not counted either.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> nanos = new HashMap<>();

    ThreadCpu() {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                names.put(info.getThreadId(), info.getThreadName());
                nanos.put(info.getThreadId(), cpu);
            }
        }
    }

    /** CPU seconds between {@code earlier} and this reading of the threads whose name passes {@code filter}. */
    double secondsSince(ThreadCpu earlier, Predicate<String> filter) {
        long sum = 0;
        for (Map.Entry<Long, Long> now : nanos.entrySet()) {
            if (filter.test(names.get(now.getKey()))) {
                sum += now.getValue() - earlier.nanos.getOrDefault(now.getKey(), 0L);
            }
        }
        return sum / 1e9;
    }

    /**
     * The {@code top} thread groups by CPU seconds between {@code earlier} and this reading; a group
     * is a thread name without its numbers (the broker's eight request handlers are one group).
     */
    Map<String, Double> topSince(ThreadCpu earlier, int top) {
        Map<String, Long> groups = new HashMap<>();
        nanos.forEach((id, cpu) -> groups.merge(group(names.get(id)), cpu - earlier.nanos.getOrDefault(id, 0L), Long::sum));
        return busiest(groups, top, 1e9);
    }

    /** The {@code top} groups of {@code amounts} by amount, largest first, in seconds ({@code perSecond} units make one). */
    static Map<String, Double> busiest(Map<String, Long> amounts, int top, double perSecond) {
        Map<String, Double> result = new LinkedHashMap<>();
        amounts.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> result.put(e.getKey(), e.getValue() / perSecond));
        return result;
    }

    /** A thread's name without its numbers and ids: the eight request handlers of the broker are one group. */
    static String group(String threadName) {
        return threadName.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "*").replaceAll("\\d+", "#");
    }

    /**
     * The in-process connector's threads: Debezium's (reader, engine handler {@code pool-N-thread-M}),
     * the producers' I/O threads (the broker has none) and the relay's own ({@code once-*}).
     */
    static Predicate<String> connector() {
        return name -> name.contains("debezium") || name.contains("change-event-source-coordinator") || name.startsWith("pool-")
                || name.startsWith("kafka-producer-network-thread") || name.startsWith("once-");
    }

    /** The in-process broker's threads: all but the benchmark's own ({@code bench-*}) and the caller's. */
    static Predicate<String> broker() {
        String caller = Thread.currentThread().getName();
        return name -> !name.startsWith("bench-") && !name.equals(caller);
    }
}

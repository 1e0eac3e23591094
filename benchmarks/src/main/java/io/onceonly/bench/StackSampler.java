package io.onceonly.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A sampling profile of some of this JVM's threads: every few milliseconds, each thread's state
 * and stack is read and attributed to a place, its top frame and the innermost frame of the
 * pipeline's own code (Debezium, Once, Kafka). What a figure reports as "where the time goes".
 */
final class StackSampler implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long INTERVAL_MILLIS = 10;

    private final long[] ids;
    private final Map<String, Integer> places = new HashMap<>();
    private final Thread sampler;
    private volatile boolean sampling = true;
    private int samples;

    private StackSampler(Predicate<String> threads) {
        this.ids = Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds()))
                .filter(info -> info != null && threads.test(info.getThreadName())).mapToLong(ThreadInfo::getThreadId).toArray();
        this.sampler = new Thread(this::sample, "bench-sampler");
    }

    /** Starts sampling the live threads whose names pass {@code threads}. */
    static StackSampler start(Predicate<String> threads) {
        StackSampler s = new StackSampler(threads);
        s.sampler.setDaemon(true);
        s.sampler.start();
        return s;
    }

    private void sample() {
        while (sampling) {
            for (ThreadInfo info : THREADS.getThreadInfo(ids, 24)) {
                if (info != null) {
                    synchronized (places) {
                        places.merge(place(info), 1, Integer::sum);
                        samples++;
                    }
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // "thread: RUNNABLE in Foo.bar <- Kafka.baz <- Debezium.qux": the state, the top frame, and the
    // two innermost frames of the pipeline's own code that led there.
    private static String place(ThreadInfo info) {
        StringBuilder where = new StringBuilder(ThreadCpu.group(info.getThreadName())).append(": ").append(info.getThreadState().name());
        StackTraceElement[] stack = info.getStackTrace();
        if (stack.length == 0) {
            return where.toString();
        }
        String last = frame(stack[0]);
        where.append(" in ").append(last);
        int own = 0;
        for (StackTraceElement e : stack) {
            String cls = e.getClassName();
            String f = frame(e);
            if (own < 2 && !f.equals(last)
                    && (cls.startsWith("io.debezium") || cls.startsWith("io.onceonly") || cls.startsWith("org.apache.kafka"))) {
                where.append(" <- ").append(f);
                last = f;
                own++;
            }
        }
        return where.toString();
    }

    private static String frame(StackTraceElement e) {
        String cls = e.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    /** The {@code top} places by share of all samples, in %. */
    Map<String, Double> top(int top) {
        Map<String, Double> result = new LinkedHashMap<>();
        synchronized (places) {
            int total = Math.max(1, samples);
            places.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                    .forEach(e -> result.put(e.getKey(), 100.0 * e.getValue() / total));
        }
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join();
    }
}

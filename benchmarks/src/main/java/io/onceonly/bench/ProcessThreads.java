package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A reading of the CPU time of another process's threads, from {@code /proc/PID/task}: where a child
 * JVM's CPU goes, its compilers and garbage collector included, which {@link ThreadCpu} cannot see
 * even in this JVM. Linux keeps the first 15 characters of a thread's name; threads that end between
 * two readings are not counted.
 */
final class ProcessThreads {

    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> ticks = new HashMap<>();

    private ProcessThreads() {
    }

    /**
     * The JVM option that keeps a JVM's compiler threads alive once started: Java 17 starts and ends
     * them as the compile queue grows and shrinks, and a thread that ended between two readings would
     * take its CPU with it, so that a round of compiling read as quieter than it was.
     */
    static final String LASTING_COMPILER_THREADS = "-XX:-UseDynamicNumberOfCompilerThreads";

    /** The threads of {@code pid} now; none when the process has ended. */
    static ProcessThreads of(long pid) throws IOException {
        ProcessThreads reading = new ProcessThreads();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return reading;
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    // The thread ended between listing and reading (no such file, or no such process).
                    continue;
                }
                long tid = Long.parseLong(thread.getFileName().toString());
                reading.names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                reading.ticks.put(tid, ProcessCpu.ticks(stat));
            }
        } catch (NoSuchFileException | DirectoryIteratorException ended) {
            // The process ended while its threads were listed: what was read so far stands.
        }
        return reading;
    }

    /** How many threads the reading holds; none for a process that had ended. */
    int threadCount() {
        return ticks.size();
    }

    /** CPU seconds between {@code earlier} and this reading of the JVM's JIT compiler threads (C1 and C2). */
    double compilersSince(ProcessThreads earlier) {
        long sum = 0;
        for (Map.Entry<Long, Long> now : ticks.entrySet()) {
            String name = names.get(now.getKey());
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                sum += since(earlier, now.getKey());
            }
        }
        return sum / ProcessCpu.TICKS_PER_SECOND;
    }

    /**
     * The {@code top} thread groups by CPU seconds between {@code earlier} and this reading; a group
     * is a name without its numbers ({@link ThreadCpu#group}), so a JVM's GC threads are one.
     */
    Map<String, Double> topSince(ProcessThreads earlier, int top) {
        Map<String, Long> groups = new HashMap<>();
        ticks.keySet().forEach(tid -> groups.merge(ThreadCpu.group(names.get(tid)), since(earlier, tid), Long::sum));
        return ThreadCpu.busiest(groups, top, ProcessCpu.TICKS_PER_SECOND);
    }

    /**
     * Ticks of thread {@code tid} since {@code earlier}; all of them when it is new, also when the
     * kernel gave a new thread the id of one that ended (another name, or fewer ticks than before).
     */
    private long since(ProcessThreads earlier, long tid) {
        long now = ticks.get(tid);
        Long before = earlier.ticks.get(tid);
        if (before == null || before > now || !names.get(tid).equals(earlier.names.get(tid))) {
            return now;
        }
        return now - before;
    }
}

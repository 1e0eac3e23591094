package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process (user + system), read from /proc: what the process cost, whatever else runs. */
final class ProcessCpu {

    // USER_HZ is 100 on Linux for every architecture we run on.
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by {@code pid}. */
    static double seconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** CPU seconds used so far by this JVM. */
    static double self() throws IOException {
        return seconds(ProcessHandle.current().pid());
    }
}

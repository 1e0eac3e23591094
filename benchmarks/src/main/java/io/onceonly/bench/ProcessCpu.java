package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.onceonly.stack.Postgres;
import io.onceonly.stack.PostgresService;

/** CPU time of a process (user + system), read from /proc: what the process cost, whatever else runs. */
final class ProcessCpu {

    // USER_HZ is 100 on Linux for every architecture we run on.
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by {@code pid}. */
    static double seconds(long pid) throws IOException {
        return ticks(stat(pid)) / TICKS_PER_SECOND;
    }

    /** User + system ticks in the text of a {@code stat} file, a process's or a thread's. */
    static long ticks(String stat) {
        String[] f = fields(stat);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU seconds used so far by this JVM. */
    static double self() throws IOException {
        return seconds(ProcessHandle.current().pid());
    }

    /**
     * CPU seconds used so far by {@code pid} and its children, live or ended: a PostgreSQL server
     * does its work in one backend process per connection plus its background workers.
     */
    static double withChildren(long pid) throws IOException {
        String[] own = fields(pid);
        long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) // the process itself
                + Long.parseLong(own[13]) + Long.parseLong(own[14]); // children it has waited for
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    String[] f = fields(Long.parseLong(proc.getFileName().toString()));
                    if (Long.parseLong(f[1]) == pid) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (NoSuchFileException ended) {
                    // The process ended between listing and reading; its parent counts it now.
                }
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** The postmaster's pid of an embedded server, or -1 when PostgreSQL runs elsewhere (a container). */
    static long postmaster(PostgresService server) throws IOException {
        if (server instanceof Postgres embedded) {
            // The first line of postmaster.pid in the data directory.
            return Long.parseLong(Files.readAllLines(embedded.dataDirectory().resolve("postmaster.pid")).get(0).trim());
        }
        return -1;
    }

    // Fields after the command name (field 2), which may contain spaces; index 0 is field 3 (state).
    private static String[] fields(long pid) throws IOException {
        return fields(stat(pid));
    }

    private static String stat(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}

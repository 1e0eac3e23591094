package io.onceonly.faultmatrix;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.sun.management.OperatingSystemMXBean;

/**
 * {@code mvn -pl fault-matrix exec:java}: the exactly-one-card guarantee measured under each fault a
 * deployment meets (see {@link Cell}), every stage in its own JVM on a three-broker cluster. Prints
 * the results table and writes {@code results.json}, {@code results.md} and a chart per cell. Exit
 * code 0 when every cell's verdict holds, 1 when one does not (or the run failed), 2 for a bad option.
 */
public final class FaultMatrix {

    private FaultMatrix() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the matrix from its command line; the exit code as the class comment says. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        MatrixOptions options;
        try {
            options = MatrixOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("Usage error: " + e.getMessage());
            return 2;
        }
        if (options == null) {
            out.print(MatrixOptions.USAGE);
            return 0;
        }
        try {
            List<CellResult> results = run(options, out);
            return results.stream().allMatch(CellResult::holds) ? 0 : 1;
        } catch (Exception e) {
            err.println("\nThe fault matrix could not run: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /** Runs the cells (again and again for a soak) and writes the results. */
    public static List<CellResult> run(MatrixOptions options, PrintStream out) throws Exception {
        Path dir = options.out().toAbsolutePath();
        out.println("Starting a three-broker KRaft cluster (child JVMs) and PostgreSQL 17; results in " + dir);
        List<CellResult> results = new ArrayList<>();
        long deadline = System.nanoTime() + options.duration().toNanos();
        try (Servers servers = Servers.start(dir.resolve("servers"))) {
            CellRun cells = new CellRun(servers, options, out);
            int pass = 0;
            do {
                pass++;
                for (Cell cell : options.cells()) {
                    Path cellDir = dir.resolve(options.duration().isZero() ? cell.id() : cell.id() + "-" + pass);
                    CellResult result = cells.run(cell, cellDir);
                    results.add(result);
                    out.printf("  %s: %,d payments, %,d cards, %,d lost, %,d double effects, caught up after %.1f s%n",
                            result.holds() ? "HOLDS" : "FAILS", result.payments(), result.cards(),
                            result.lostOnKafka() + result.lostEffects(), result.doubleEffects(), result.caughtUpSeconds());
                    MatrixReport.write(dir, options, results, machine());
                }
            } while (System.nanoTime() < deadline);
        }
        out.println();
        out.print(MatrixReport.table(results));
        out.println();
        out.print(MatrixReport.details(results));
        out.println("Results: " + dir.resolve("results.md") + ", " + dir.resolve("results.json"));
        return results;
    }

    private static String machine() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %.0f GiB, load average %.1f at the end, Java %s", os.getAvailableProcessors(),
                os.getTotalMemorySize() / (1024.0 * 1024 * 1024), os.getSystemLoadAverage(), System.getProperty("java.version"));
    }

}

package io.onceonly.demo.membership.driver;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The live progress line: events written, relayed, forwarded, cards issued, and the current rate
 * of cards. On a terminal it rewrites one line; in a log (CI, a pipe) it prints a line every few seconds.
 */
public final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final Supplier<Counts> counts;
    private final FaultLog faults;
    private final long expected;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private int lastLength;

    public Progress(PrintStream out, Supplier<Counts> counts, FaultLog faults, long expected) {
        this.out = out;
        this.counts = counts;
        this.faults = faults;
        this.expected = expected;
        this.terminal = System.console() != null;
        this.thread = new Thread(this::run, "progress");
        this.thread.setDaemon(true);
    }

    /** Starts printing. */
    public Progress start() {
        thread.start();
        return this;
    }

    private void run() {
        long lastCards = 0;
        long lastNanos = startNanos;
        int tick = 0;
        while (running) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            Counts now = counts.get();
            long nanos = System.nanoTime();
            double rate = (now.cards() - lastCards) * 1e9 / Math.max(1, nanos - lastNanos);
            lastCards = now.cards();
            lastNanos = nanos;
            tick++;
            String line = line(now, rate, (nanos - startNanos) / 1e9);
            if (terminal) {
                // Blank out what a longer previous line left behind.
                out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                out.flush();
                lastLength = line.length();
            } else if (tick % 3 == 0) {
                out.println(line);
            }
        }
    }

    private String line(Counts c, double rate, double seconds) {
        return String.format(Locale.ROOT, "%6.1fs  purchases %,d/%,d  written %,d  relayed %,d  forwarded %,d  cards %,d  %,.0f cards/s  faults fired %d/%d",
                seconds, c.purchases(), expected, c.written(), c.relayed(), c.forwarded(), c.cards(), rate, faults.firedKinds(), faults.enabled().size());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            out.println();
        }
    }
}

package io.onceonly.runtime;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop: the app's main thread finishes its work and exits
 * with 0, where a plain shutdown hook would leave the JVM's exit code at 143.
 */
public final class StopSignals {

    private StopSignals() {
    }

    /** Runs {@code stop} (once per signal, on a signal thread) when the process is asked to terminate. */
    public static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.run());
        }
    }
}

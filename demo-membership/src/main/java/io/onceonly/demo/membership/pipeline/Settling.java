package io.onceonly.demo.membership.pipeline;

import java.time.Duration;

import io.onceonly.stack.Await;

/**
 * The end of a run: every layer has accounted for everything upstream of it, and nothing moved for
 * a while. The demo and the fault matrix wait for it before they judge.
 */
public final class Settling {

    /** What a look at the pipeline saw. */
    public record Look(String state, boolean accounted) {
    }

    /** One look; a checked exception means "not yet", as in {@link Await}. */
    @FunctionalInterface
    public interface Probe {
        Look look() throws Exception;
    }

    private Settling() {
    }

    /**
     * Waits until a look is accounted and its state stayed the same for {@code settle}.
     *
     * @return null when it settled within {@code timeout}, else the last state seen
     */
    public static String await(Duration timeout, Duration settle, Probe probe) {
        long[] stableSince = {0};
        String[] last = {""};
        boolean settled = Await.holdsWithin(timeout, () -> {
            Look now = probe.look();
            boolean done = false;
            if (now.accounted() && now.state().equals(last[0])) {
                if (stableSince[0] == 0) {
                    stableSince[0] = System.nanoTime();
                } else {
                    done = System.nanoTime() - stableSince[0] >= settle.toNanos();
                }
            } else {
                stableSince[0] = 0;
            }
            last[0] = now.state();
            return done;
        });
        return settled ? null : last[0];
    }
}

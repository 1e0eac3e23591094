package io.onceonly.connector.retention;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The watermarks taken and not yet proven, and the highest {@code xmin} proven so far. A proof
 * stays true for good (those transactions were relayed), so the proven id only grows; a
 * watermark whose walsender is gone can never be proven and is dropped.
 */
final class PendingWatermarks {

    /** Nothing proven yet. */
    static final long NONE = -1;

    private final Deque<RelayedWatermark> pending = new ArrayDeque<>();
    private final int capacity;
    private long provenXmin = NONE;

    /**
     * @param capacity watermarks kept while the relay lags; when full, new ones wait for the older ones to be proven
     */
    PendingWatermarks(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Proves what {@code now} proves, then keeps {@code now} to be proven by a later one.
     *
     * @return the highest {@code xmin} below which every transaction was relayed, or {@link #NONE}
     */
    long offer(RelayedWatermark now) {
        for (Iterator<RelayedWatermark> newestFirst = pending.descendingIterator(); newestFirst.hasNext(); ) {
            RelayedWatermark w = newestFirst.next();
            if (w.confirmedBy(now)) {
                provenXmin = Math.max(provenXmin, w.xmin());
                // Older ones have a smaller or equal xmin: proven too, and of no more use.
                while (pending.peekFirst() != w) {
                    pending.removeFirst();
                }
                pending.removeFirst();
                break;
            }
        }
        pending.removeIf(w -> !w.sameHolder(now));
        if (now.holderPid() != 0 && pending.size() < capacity) {
            pending.addLast(now);
        }
        return provenXmin;
    }

    /** The highest {@code xmin} proven so far, or {@link #NONE}. */
    long provenXmin() {
        return provenXmin;
    }

    /** How many watermarks wait for the relay. */
    int size() {
        return pending.size();
    }
}

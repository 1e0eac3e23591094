package io.onceonly.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProcessThreadsTest {

    @Test
    void aBusyThreadOfTheProcessIsItsTopGroupUnderItsName() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcessThreads before = ProcessThreads.of(pid);
        // Numbers are dropped from the group, so the two count as one; the name has what /proc/PID/task/TID/stat
        // puts between parentheses around it. They stay alive until read: an ended thread is not in /proc any more.
        CountDownLatch spun = new CountDownLatch(2);
        CountDownLatch read = new CountDownLatch(1);
        Thread[] spinners = {spinner("spin (a) b-1", spun, read), spinner("spin (a) b-2", spun, read)};
        assertThat(spun.await(30, TimeUnit.SECONDS)).isTrue();
        Map<String, Double> top = ProcessThreads.of(pid).topSince(before, 3);
        read.countDown();
        for (Thread t : spinners) {
            t.join();
        }

        assertThat(top).containsKey("spin (a) b-#");
        assertThat(top.get("spin (a) b-#")).isGreaterThan(0.2);
        assertThat(top.keySet()).first().isEqualTo("spin (a) b-#");
    }

    @Test
    void aProcessThatIsGoneHasNoThreads() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ProcessThreads none = ProcessThreads.of(gone.pid());

        assertThat(none.threadCount()).isZero();
        assertThat(ProcessThreads.of(ProcessHandle.current().pid()).threadCount()).isPositive();
    }

    private static Thread spinner(String name, CountDownLatch spun, CountDownLatch read) {
        Thread t = new Thread(() -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            long x = 0;
            while (System.nanoTime() < until) {
                x += until ^ x;
            }
            if (x == 42) {
                System.out.print("");
            }
            spun.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.start();
        return t;
    }
}

package io.onceonly.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Waits for a TCP port to accept connections after a restart. */
public final class PortWait {

    private static final long TIMEOUT_MS = 60_000;

    private PortWait() {
    }

    /**
     * Returns once {@code host:port} accepts a connection.
     *
     * @param what the server, for the failure message
     * @throws IllegalStateException after 60 s, naming {@code what} and the address
     */
    public static void until(String host, int port, String what) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(what + " did not accept connections on " + host + ":" + port
                            + " within " + TIMEOUT_MS / 1000 + " s", e);
                }
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a port", e);
        }
    }
}

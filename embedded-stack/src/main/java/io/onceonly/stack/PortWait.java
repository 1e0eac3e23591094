package io.onceonly.stack;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Waits for a TCP port to accept connections after a restart. */
public final class PortWait {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PortWait() {
    }

    /**
     * Returns once {@code host:port} accepts a connection.
     *
     * @param what the server, for the failure message
     * @throws IllegalStateException after 60 s, naming {@code what} and the address
     */
    public static void until(String host, int port, String what) {
        Await.until(what + " accepting connections on " + host + ":" + port, TIMEOUT, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
                return true;
            }
        });
    }
}

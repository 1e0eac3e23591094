package io.onceonly.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 that a client connects through instead of to its server, so that a
 * fault test can cut that one client off: {@link #cut()} stops every byte in both directions, on open
 * connections and new ones, the way a network partition does (no reset: the peers notice only
 * through their own timeouts); {@link #restore()} lets the bytes flow again. No Docker, no
 * iptables, nothing but sockets.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final long CUT_POLL_MS = 20;

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /**
     * Listens on {@code port} (0: a free one) of 127.0.0.1 and forwards each connection to
     * {@code targetPort} there.
     */
    public static TcpProxy start(int port, int targetPort) {
        ServerSocket listener;
        try {
            listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for a proxy to port " + targetPort, e);
        }
        TcpProxy proxy = new TcpProxy(listener, targetPort);
        Thread acceptor = new Thread(proxy::accept, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Stops all traffic through the proxy, as a network partition does. */
    public void cut() {
        cut = true;
        LOG.info("proxy {} -> {}: cut", port(), targetPort);
    }

    /** Lets traffic through again. */
    public void restore() {
        cut = false;
        LOG.info("proxy {} -> {}: restored", port(), targetPort);
    }

    /** Whether traffic is cut. */
    public boolean isCut() {
        return cut;
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy {} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
            Thread connect = new Thread(() -> connect(client), "tcp-proxy-" + port() + "-connect");
            connect.setDaemon(true);
            connect.start();
        }
    }

    // A connection opened during a cut waits, as a SYN into a partition does until the client gives up.
    private void connect(Socket client) {
        sockets.add(client);
        Socket server = null;
        try {
            awaitFlow();
            server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(server);
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            pipe(client, server, "up");
            pipe(server, client, "down");
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void pipe(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (!closed) {
                    awaitFlow();
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    // Bytes read just before a cut are held back until it ends, not delivered through it.
                    awaitFlow();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // the other direction or close() ended the connection
            } catch (IOException | InterruptedException e) {
                LOG.debug("proxy {} {}: {}", port(), direction, e.toString());
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-" + port() + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitFlow() throws InterruptedException {
        while (cut && !closed) {
            Thread.sleep(CUT_POLL_MS);
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[" + new InetSocketAddress(InetAddress.getLoopbackAddress(), port()) + " -> " + targetPort + (cut ? ", cut" : "") + "]";
    }
}

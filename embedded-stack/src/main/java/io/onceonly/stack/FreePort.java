package io.onceonly.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free TCP port on loopback, for servers a test or the demo starts; servers keep it across restarts.
 *
 * <p>Why not any port the kernel hands out: a fault test stops a server and starts it again on its
 * port, and while it is down a port from the kernel's ephemeral range can be given to any outgoing
 * connection or to another JVM's server (with {@code mvn -T 2} two modules' tests run at once).
 * Ports below that range ({@code /proc/sys/net/ipv4/ip_local_port_range}) are never handed out by the
 * kernel, and a lock on a file per port under {@code java.io.tmpdir/once-ports}, held for the JVM's
 * life, keeps two JVMs from choosing the same one; the operating system releases it when the JVM
 * ends, however it ends. Where the range cannot be read (not Linux), the kernel chooses, as before.
 */
public final class FreePort {

    /** Lowest port chosen: above the registered ports that local services commonly use. */
    static final int LOWEST = 20_000;
    private static final int ATTEMPTS = 500;
    private static final Path RESERVATIONS = Path.of(System.getProperty("java.io.tmpdir"), "once-ports");
    /** The locks of the ports this JVM holds, kept open so that the locks last as long as the JVM. */
    private static final Map<Integer, FileLock> HELD = new ConcurrentHashMap<>();

    private FreePort() {
    }

    /** A port free on loopback now and reserved for this JVM. */
    public static int next() {
        int below = ephemeralRangeStart();
        if (below - LOWEST < 1_000) {
            return kernelChosen();
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (reserve(port) && bindable(port)) {
                return port;
            }
        }
        // Nearly every port of the range taken or reserved: the kernel's choice is still a free port.
        return kernelChosen();
    }

    /** Whether this JVM holds {@code port}. */
    static boolean reservedHere(int port) {
        return HELD.containsKey(port);
    }

    static Path reservations() {
        return RESERVATIONS;
    }

    /** Reserves {@code port} for this JVM unless a JVM (this one included) holds it already. */
    static synchronized boolean reserve(int port) {
        if (HELD.containsKey(port)) {
            return false;
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(RESERVATIONS);
            channel = FileChannel.open(RESERVATIONS.resolve(port + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return false;
            }
            HELD.put(port, lock);
            return true;
        } catch (OverlappingFileLockException heldHere) {
            close(channel);
            return false;
        } catch (IOException e) {
            close(channel);
            // No shared directory to reserve in: the bind test alone decides.
            return true;
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was reserved with it.
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static int kernelChosen() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The first port of the kernel's ephemeral range; {@link #LOWEST} when it cannot be read. */
    static int ephemeralRangeStart() {
        try {
            // Read by lines: Files.readString gets only the first byte of this sysctl file (a short read that looks like its end).
            List<String> lines = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Integer.parseInt(lines.get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return LOWEST;
        }
    }
}

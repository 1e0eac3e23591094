package io.onceonly.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free TCP port on loopback, for servers a test or the demo starts; servers keep it across restarts.
 *
 * <p>Why not any port the kernel hands out: a fault test stops a server and starts it again on its
 * port, and while it is down a port from the kernel's ephemeral range can be given to any outgoing
 * connection or to another JVM's server (with {@code mvn -T 2} two modules' tests run at once).
 * Ports below that range ({@code /proc/sys/net/ipv4/ip_local_port_range}) are never handed out by the
 * kernel, and a file per port under {@code java.io.tmpdir/once-ports}, naming the JVM that holds it,
 * keeps two JVMs from choosing the same one. A reservation lasts as long as its JVM; one whose JVM has
 * ended is taken over. Where the range cannot be read (not Linux), the kernel chooses, as before.
 */
public final class FreePort {

    /** Lowest port chosen: above the registered ports that local services commonly use. */
    static final int LOWEST = 20_000;
    private static final int ATTEMPTS = 500;
    private static final Path RESERVATIONS = Path.of(System.getProperty("java.io.tmpdir"), "once-ports");

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

    /** Whether {@code port} is reserved for this JVM, now or before. */
    static boolean reservedHere(int port) {
        try {
            return owner(RESERVATIONS.resolve(Integer.toString(port))) == ProcessHandle.current().pid();
        } catch (IOException e) {
            return false;
        }
    }

    static Path reservations() {
        return RESERVATIONS;
    }

    /** Reserves {@code port} for this JVM unless a live JVM (this one included) holds it already. */
    static synchronized boolean reserve(int port) {
        Path file = RESERVATIONS.resolve(Integer.toString(port));
        byte[] self = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createDirectories(RESERVATIONS);
            try {
                Files.write(file, self, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException taken) {
                long owner = owner(file);
                if (owner == ProcessHandle.current().pid() || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    return false;
                }
                // Its JVM has ended (or the file is unreadable): take it over. Two JVMs racing for the same stale
                // file both write; the one whose pid the file holds afterwards has it.
                Files.write(file, self);
                if (owner(file) != ProcessHandle.current().pid()) {
                    return false;
                }
            }
            file.toFile().deleteOnExit();
            return true;
        } catch (IOException e) {
            // No shared directory to reserve in: the bind test alone decides.
            return true;
        }
    }

    private static long owner(Path file) throws IOException {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException unreadable) {
            return -1;
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

package io.onceonly.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortTest {

    @Test
    void portsAreBelowTheKernelsEphemeralRangeDistinctAndReservedForThisJvm() throws Exception {
        int below = FreePort.ephemeralRangeStart();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePort.next();
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            if (below - FreePort.LOWEST >= 1_000) {
                assertThat(port).isBetween(FreePort.LOWEST, below - 1);
                assertThat(FreePort.reservedHere(port)).isTrue();
                assertThat(FreePort.reserve(port)).as("held here already").isFalse();
            }
            try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortAnotherJvmHoldsIsRefusedUntilThatJvmEnds(@TempDir Path dir) throws Exception {
        int port = unheldPort();
        Path lockFile = FreePort.reservations().resolve(port + ".lock");
        // Another JVM takes the port's lock the way FreePort does, says so, and keeps it until killed.
        Path holder = dir.resolve("Hold.java");
        Files.writeString(holder, "public class Hold { public static void main(String[] a) throws Exception {"
                + " var ch = java.nio.channels.FileChannel.open(java.nio.file.Path.of(a[0]), java.nio.file.StandardOpenOption.CREATE,"
                + " java.nio.file.StandardOpenOption.WRITE); if (ch.tryLock() == null) System.exit(3); System.out.println(\"held\");"
                + " Thread.sleep(120_000); } }", StandardCharsets.US_ASCII);
        Files.createDirectories(FreePort.reservations());
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), holder.toString(),
                lockFile.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).isEqualTo("held");

            assertThat(FreePort.reserve(port)).isFalse();
            assertThat(FreePort.reservedHere(port)).isFalse();

            other.destroyForcibly();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(FreePort.reserve(port)).as("released when its JVM was killed").isTrue();
            assertThat(FreePort.reservedHere(port)).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    /** A port below the ephemeral range that this JVM does not hold. */
    private static int unheldPort() {
        for (int port = FreePort.LOWEST + 7_000; ; port++) {
            if (!FreePort.reservedHere(port)) {
                return port;
            }
        }
    }
}

package io.onceonly.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

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
            }
            try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortHeldByALiveProcessIsNotReservedAgainAndOneOfAnEndedProcessIsTakenOver() throws Exception {
        Process live = new ProcessBuilder("sleep", "60").start();
        Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.createDirectories(FreePort.reservations());
        int heldByLive = unreservedPort();
        Path liveFile = FreePort.reservations().resolve(Integer.toString(heldByLive));
        Files.writeString(liveFile, Long.toString(live.pid()), StandardCharsets.US_ASCII);
        int heldByEnded = unreservedPort();
        Path endedFile = FreePort.reservations().resolve(Integer.toString(heldByEnded));
        Files.writeString(endedFile, Long.toString(ended.pid()), StandardCharsets.US_ASCII);
        try {
            assertThat(FreePort.reserve(heldByLive)).isFalse();
            assertThat(Files.readString(liveFile).trim()).isEqualTo(Long.toString(live.pid()));

            assertThat(FreePort.reserve(heldByEnded)).isTrue();
            assertThat(FreePort.reservedHere(heldByEnded)).isTrue();
            // Ours now: not handed out a second time.
            assertThat(FreePort.reserve(heldByEnded)).isFalse();
        } finally {
            live.destroy();
            Files.deleteIfExists(liveFile);
        }
    }

    /** A port below the ephemeral range that no reservation file names. */
    private static int unreservedPort() {
        for (int port = FreePort.LOWEST + 7_000; ; port++) {
            if (!Files.exists(FreePort.reservations().resolve(Integer.toString(port)))) {
                return port;
            }
        }
    }
}

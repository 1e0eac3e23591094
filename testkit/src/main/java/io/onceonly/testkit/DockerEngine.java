package io.onceonly.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers here; asked once per JVM. */
public final class DockerEngine {

    private static volatile Boolean available;

    private DockerEngine() {
    }

    /** True when Testcontainers can reach a Docker engine. */
    public static boolean isAvailable() {
        Boolean known = available;
        if (known == null) {
            synchronized (DockerEngine.class) {
                known = available;
                if (known == null) {
                    known = probe();
                    available = known;
                }
            }
        }
        return known;
    }

    /** The sentence shown when containers are asked for and no engine answers. */
    public static String unavailableReason() {
        return "once.stack=containers needs a Docker engine, and none answered here"
                + " (DOCKER_HOST unset or unreachable, no /var/run/docker.sock):"
                + " run without -Donce.stack=containers to use the embedded Kafka and PostgreSQL.";
    }

    /** @throws IllegalStateException with {@link #unavailableReason()} when no engine answers */
    public static void requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException(unavailableReason());
        }
    }

    private static boolean probe() {
        // Without a socket or DOCKER_HOST, skip Testcontainers' slow and noisy search for an engine.
        boolean socket = Files.exists(Path.of("/var/run/docker.sock"));
        boolean host = System.getenv("DOCKER_HOST") != null || System.getProperty("docker.host") != null;
        if (!socket && !host && !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

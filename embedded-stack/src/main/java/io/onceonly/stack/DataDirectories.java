package io.onceonly.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removal of data directories: the embedded servers', an app's state directory in a run. */
public final class DataDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectories.class);

    private DataDirectories() {
    }

    /** Deletes {@code dir} with everything in it; what cannot be deleted is logged, not thrown. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is not worth failing a test run for.
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}

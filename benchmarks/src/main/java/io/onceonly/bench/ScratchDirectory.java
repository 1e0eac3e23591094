package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.onceonly.stack.DataDirectories;

/** A temporary directory (state of a dedup app) removed with everything in it on close. */
final class ScratchDirectory implements AutoCloseable {

    private final Path path;

    ScratchDirectory(String prefix) throws IOException {
        this.path = Files.createTempDirectory(prefix);
    }

    Path path() {
        return path;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    @Override
    public void close() {
        DataDirectories.delete(path);
    }
}

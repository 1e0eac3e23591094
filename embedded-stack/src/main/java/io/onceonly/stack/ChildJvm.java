package io.onceonly.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a child JVM on this JVM's class path, for fault tests: {@link #kill()} is
 * SIGKILL (no shutdown hook, no flush, nothing saved), {@link #terminate(Duration)} is SIGTERM,
 * {@link #pause()} and {@link #resume()} are SIGSTOP and SIGCONT.
 * Its output goes to a log file, named in failures.
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args}; output goes to {@code log} (appended).
     *
     * @param env extra environment variables
     */
    public static ChildJvm start(String name, String mainClass, List<String> args, Map<String, String> env, Path log) {
        return start(name, mainClass, List.of(), args, env, log);
    }

    /**
     * The system property whose value (JVM options separated by spaces) every child JVM gets after
     * the defaults and before the caller's own; the build sets it for tests (see the parent pom).
     */
    public static final String OPTIONS_PROPERTY = "once.child.jvm.options";

    /**
     * As {@link #start(String, String, List, Map, Path)}, with JVM options (system properties, heap)
     * that come after the defaults ({@code -Xmx512m -XX:+UseSerialGC}) and those of
     * {@value #OPTIONS_PROPERTY}, and so win over them.
     */
    public static ChildJvm start(String name, String mainClass, List<String> jvmOptions, List<String> args,
                                 Map<String, String> env, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        String common = System.getProperty(OPTIONS_PROPERTY, "").trim();
        if (!common.isEmpty()) {
            command.addAll(List.of(common.split("\\s+")));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new ChildJvm(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    // Surefire runs tests through a booter jar and names the real class path in a property; exec:java
    // runs in Maven's JVM with the project's class path in the context class loader.
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null) {
            return surefire.replace(' ', File.pathSeparatorChar);
        }
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IllegalStateException("class path entry " + url + " is not a file", e);
                }
            }
            if (!entries.isEmpty()) {
                return String.join(File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
    }

    /**
     * SIGTERM, and wait for the exit.
     *
     * @return the exit code
     * @throws IllegalStateException if the process did not exit within {@code timeout}
     */
    public int terminate(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
        return process.exitValue();
    }

    /**
     * SIGSTOP: the process stays alive but runs nothing, as a JVM in a long GC pause or a host cut
     * off from the network would; its sockets stay open. {@link #resume()} wakes it.
     */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " (" + this.name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + name + " to " + this.name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + this.name, e);
        }
    }

    /**
     * Waits for the exit, without a signal.
     *
     * @return the exit code, or null when the process still runs after {@code timeout}
     */
    public Integer awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** The file the child's output goes to. */
    public Path log() {
        return log;
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + name + ", pid " + process.pid() + ", log " + log + "]";
    }
}

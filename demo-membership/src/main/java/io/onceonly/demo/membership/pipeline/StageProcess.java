package io.onceonly.demo.membership.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.stack.Await;
import io.onceonly.stack.ChildJvm;

/**
 * One pipeline stage (the relay, the dedup app, or a service) running as its own JVM, exactly as it is
 * deployed: its runnable main, its options as {@code --name=value} arguments, its {@code /health}.
 * {@link #kill()} is SIGKILL, so a fault is a real crash: no shutdown hook, nothing flushed.
 */
public final class StageProcess implements AutoCloseable {

    // The children log through the demo's own setup for them: our lines at INFO, libraries at WARN.
    private static final List<String> JVM_OPTIONS = List.of("-Dlogback.configurationFile=demo-stage-logback.xml");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String mainClass;
    private final List<String> leadingArgs;
    private final Map<String, String> options;
    private final int httpPort;
    private final Path log;
    private ChildJvm process;
    private int starts;

    /**
     * @param leadingArgs arguments before the options, for example the service a jar runs
     * @param options the stage's options; {@code http.port} must be among them (health is read there)
     */
    public StageProcess(String name, String mainClass, List<String> leadingArgs, Map<String, String> options, Path log) {
        this.name = name;
        this.mainClass = mainClass;
        this.httpPort = Integer.parseInt(options.get("http.port"));
        this.log = log;
        this.leadingArgs = List.copyOf(leadingArgs);
        this.options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    }

    /** Starts the stage (again, after a kill), without waiting for it to be healthy. */
    public synchronized StageProcess start() {
        return startWith(Map.of());
    }

    /**
     * Starts the stage with some options changed for this run only, as an operator restarts a
     * process with a recovery option (for example {@code slot.lost.recovery=resend-table}).
     */
    public synchronized StageProcess startWith(Map<String, String> changed) {
        Map<String, String> run = new java.util.LinkedHashMap<>(options);
        run.putAll(changed);
        List<String> args = new ArrayList<>(leadingArgs);
        run.forEach((option, value) -> args.add("--" + option + "=" + value));
        starts++;
        process = ChildJvm.start(name + "-" + starts, mainClass, JVM_OPTIONS, args, Map.of(), log);
        return this;
    }

    /**
     * Waits until {@code /health} answers 200.
     *
     * @throws IllegalStateException if the process exits or the time runs out; the message names the log
     */
    public void awaitHealthy(Duration timeout) {
        Await.Condition up = Await.healthUp(URI.create("http://127.0.0.1:" + httpPort + "/health"), body -> true);
        Await.until(name + " healthy (its log is " + log.toAbsolutePath() + ")", timeout, () -> {
            ChildJvm current;
            synchronized (this) {
                current = process;
            }
            if (!current.isAlive()) {
                throw new IllegalStateException(name + " exited during start; its log is " + log.toAbsolutePath());
            }
            return up.holds();
        });
    }

    /**
     * Its {@code /health} answer (status and details, whatever the status), or null when it does
     * not answer (not started yet, or dead).
     */
    public JsonNode health() throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return null;
        }
    }

    /** Its name in logs and the report. */
    public String name() {
        return name;
    }

    /** SIGKILL: the stage dies mid-work, as in a power cut or an OOM kill. */
    public synchronized void kill() {
        process.kill();
    }

    /**
     * SIGTERM: the stage's orderly stop (the relay saves its position, the dedup app commits).
     *
     * @return its exit code
     */
    public synchronized int stop(Duration timeout) {
        return process.terminate(timeout);
    }

    /**
     * Waits for the stage to exit by itself.
     *
     * @return its exit code, or null when it still runs after {@code timeout}
     */
    public synchronized Integer awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    /**
     * SIGTERM as {@link #stop(Duration)}, for a report.
     *
     * @return empty when it exited with 0, else what went wrong, naming its log
     */
    public String stopAndSay(Duration timeout) {
        try {
            int exit = stop(timeout);
            return exit == 0 ? "" : log.getFileName() + ": exit code " + exit + ". ";
        } catch (IllegalStateException e) {
            return e.getMessage() + ". ";
        }
    }

    /** How often the stage was started. */
    public synchronized int starts() {
        return starts;
    }

    /** The stage's log file (all its runs). */
    public Path log() {
        return log;
    }

    /** The port of its /health and /metrics. */
    public int httpPort() {
        return httpPort;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }
}

package io.onceonly.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.kafka.common.config.ConfigException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The operations endpoint of an app: {@code GET /health} (JSON, 200 when up, 503 when down) and
 * {@code GET /metrics} (Prometheus text format), plus any routes the app adds. Uses the JDK's
 * HTTP server: no web framework in a stream app.
 *
 * <p>Bounded: {@link Limits#threads()} threads read requests and answer them, with
 * {@link Limits#queue()} connections waiting for one; what finds the line full goes to one
 * overflow thread that still answers {@code /health} and {@code /metrics} and answers every other
 * route 503 with {@code Retry-After}; what finds that line full too is closed. Routes that wait on
 * other services run on their own pool ({@link HandlerPool}). A request must arrive whole
 * within {@link #REQUEST_TIMEOUT} and its answer be read within {@link #RESPONSE_TIMEOUT}, else
 * the connection is closed: a slow or silent client holds a thread that long at most.
 *
 * <p>Every answer of its own is JSON {@code {"error": "..."}} for 4xx and 5xx, without exception
 * text: unknown paths 404, other methods 405 with {@code Allow}, request targets over
 * {@value OpsRouter#MAX_TARGET_CHARS} characters 414. Requests the JDK's parser refuses before
 * any handler (a target that is not a URI, such as {@code %zz}) get the JDK's fixed 400.
 */
public final class OpsServer implements AutoCloseable {

    /** How long a client may take to send a whole request (line, headers and body). */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long an answer may take, from the request's end until the client has read it. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    static {
        // The JDK's server reads these once, when its first instance is made, for every server of the JVM: the
        // only timeouts it has (Java 17 offers no per-server setting). A value given with -D wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", REQUEST_TIMEOUT.toSeconds());
        setIfAbsent("sun.net.httpserver.maxRspTime", RESPONSE_TIMEOUT.toSeconds());
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /**
     * The ops server's pool.
     *
     * @param threads threads reading and answering requests
     * @param queue connections waiting for one of them
     * @param overflowQueue connections waiting for the overflow thread, which answers app routes 503
     */
    record Limits(int threads, int queue, int overflowQueue) {
        static final Limits DEFAULT = new Limits(4, 32, 16);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor overflow;

    private OpsServer(HttpServer server, ThreadPoolExecutor pool, ThreadPoolExecutor overflow) {
        this.server = server;
        this.pool = pool;
        this.overflow = overflow;
    }

    /**
     * Starts listening on {@code bindAddress} at {@code port} (0: a free port).
     *
     * @param bindAddress the option {@value BindAddress#OPTION}
     * @param routes the app's own routes, for example its lookup API
     * @throws ConfigException when {@code bindAddress} does not resolve
     * @throws UncheckedIOException when the address and port cannot be listened on
     */
    public static OpsServer start(String bindAddress, int port, Supplier<HealthReport> health, PrometheusMeterRegistry registry,
                                  List<OpsRoute> routes) {
        return start(bindAddress, port, health, registry, routes, Limits.DEFAULT);
    }

    static OpsServer start(String bindAddress, int port, Supplier<HealthReport> health, PrometheusMeterRegistry registry,
                           List<OpsRoute> routes, Limits limits) {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            throw new ConfigException(BindAddress.OPTION, bindAddress, "does not resolve to an address: use 0.0.0.0 for all"
                    + " interfaces, 127.0.0.1 for this machine only, or one of this machine's addresses");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + " port " + port + " (options "
                    + BindAddress.OPTION + ", http.port): " + e.getMessage(), e);
        }
        List<OpsRoute> builtIn = List.of(
                OpsRoute.get("/health", exchange -> {
                    HealthReport report = health.get();
                    Map<String, Object> body = new LinkedHashMap<>();
                    // DEGRADED is still 200: an orchestrator must not restart an app for what a restart does not fix.
                    body.put("status", report.status());
                    body.putAll(report.details());
                    respond(exchange, report.up() ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
                }),
                OpsRoute.get("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8))));
        server.createContext("/", new OpsRouter(builtIn, routes));
        ThreadFactory overflowThreads = daemonThreads("once-ops-http-busy");
        ThreadPoolExecutor overflow = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.overflowQueue()), runnable -> overflowThreads.newThread(() -> {
                    OpsRouter.markOverflow();
                    runnable.run();
                }));
        // A rejection from the overflow pool reaches the JDK's dispatcher, which closes that connection.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), daemonThreads("once-ops-http"), (exchange, full) -> overflow.execute(exchange));
        server.setExecutor(pool);
        server.start();
        return new OpsServer(server, pool, overflow);
    }

    /** Writes a JSON body; for routes added by apps. */
    public static void respondJson(HttpExchange exchange, int status, Object body) throws IOException {
        respond(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void setIfAbsent(String property, long value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Long.toString(value));
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address listened on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Threads of the pool busy now and connections waiting for one; for tests. */
    int[] load() {
        return new int[] {pool.getActiveCount(), pool.getQueue().size()};
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        overflow.shutdownNow();
    }
}

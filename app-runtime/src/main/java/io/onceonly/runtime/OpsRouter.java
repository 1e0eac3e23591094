package io.onceonly.runtime;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The one handler of an {@link OpsServer}: picks the route by the raw path, checks the method,
 * and turns every refusal into a JSON answer. The JDK matches contexts by a decoded string prefix
 * ({@code /healthz} and {@code /biz-ids%2Fx} would reach {@code /health} and {@code /biz-ids/});
 * matching raw paths here whole, or under a route ending in {@code /}, leaves one spelling per
 * resource.
 */
final class OpsRouter implements HttpHandler {

    /** Longest request target (raw path and query) answered with more than 414. */
    static final int MAX_TARGET_CHARS = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(OpsRouter.class);

    // Set on the threads that take requests the ops server's pool had no room for.
    private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> false);

    private final List<OpsRoute> builtIn;
    private final List<OpsRoute> routes;

    OpsRouter(List<OpsRoute> builtIn, List<OpsRoute> routes) {
        this.builtIn = List.copyOf(builtIn);
        this.routes = List.copyOf(routes);
    }

    /** Marks the calling thread as one that answers app routes with 503 ({@code /health} and {@code /metrics} still answer). */
    static void markOverflow() {
        OVERFLOW.set(true);
    }

    @Override
    public void handle(HttpExchange exchange) {
        guarded(exchange, this::route);
    }

    private void route(HttpExchange exchange) throws IOException {
        URI target = exchange.getRequestURI();
        String path = target.getRawPath();
        String query = target.getRawQuery();
        // "//x/health" parses as host x and path /health: a second spelling of the path, refused.
        if (path == null || !path.startsWith("/") || target.getScheme() == null && target.getRawAuthority() != null) {
            throw new RequestRefusedException(400, "the request target must be a path starting with a single '/'");
        }
        if (path.length() + (query == null ? 0 : query.length() + 1) > MAX_TARGET_CHARS) {
            throw new RequestRefusedException(414, "the request target is " + (path.length() + (query == null ? 0 : query.length()))
                    + " characters long; this server answers up to " + MAX_TARGET_CHARS);
        }
        OpsRoute route = find(builtIn, path);
        if (route == null) {
            route = find(routes, path);
            if (route != null && OVERFLOW.get()) {
                throw new RequestRefusedException(503, "the ops server is busy; retry shortly", Map.of("Retry-After", "1"));
            }
        }
        if (route == null) {
            List<String> served = new ArrayList<>();
            builtIn.forEach(r -> served.add(r.path()));
            routes.forEach(r -> served.add(r.path() + (r.path().endsWith("/") ? "{id}" : "")));
            throw new RequestRefusedException(404, "no resource at " + RequestRefusedException.shown(path) + "; this app serves "
                    + String.join(", ", served));
        }
        if (!route.methods().contains(exchange.getRequestMethod())) {
            throw new RequestRefusedException(405, "method " + RequestRefusedException.shown(exchange.getRequestMethod())
                    + " is not allowed on " + route.path() + "; use " + route.allow(), Map.of("Allow", route.allow()));
        }
        route.handler().handle(exchange);
    }

    private static OpsRoute find(List<OpsRoute> candidates, String path) {
        for (OpsRoute route : candidates) {
            if (route.serves(path)) {
                return route;
            }
        }
        return null;
    }

    /**
     * Runs {@code handler}, answering a {@link RequestRefusedException} with its status and an
     * unexpected exception with 500, in JSON without the exception's text: that goes to the log.
     */
    static void guarded(HttpExchange exchange, HttpHandler handler) {
        try {
            handler.handle(exchange);
        } catch (RequestRefusedException e) {
            answer(exchange, e.status(), e.headers(), e.getMessage());
        } catch (IOException e) {
            // The client went away or stopped reading: nobody to answer.
            LOG.debug("ops request {} {} not answered: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.error("ops request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            answer(exchange, 500, Map.of(), "internal error; the app's log has the details");
        }
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, String error) {
        try {
            headers.forEach(exchange.getResponseHeaders()::set);
            OpsServer.respondJson(exchange, status, Map.of("error", error));
        } catch (IOException | RuntimeException e) {
            // Headers already sent, or the client is gone: closing is all that is left.
            exchange.close();
        }
    }
}

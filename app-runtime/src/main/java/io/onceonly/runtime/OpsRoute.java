package io.onceonly.runtime;

import java.util.Set;
import java.util.TreeSet;

import com.sun.net.httpserver.HttpHandler;

/**
 * A route an app adds to its {@link OpsServer}, beside {@code /health} and {@code /metrics}.
 *
 * @param path the raw (not decoded) path it serves: exactly this path, or, when it ends with
 *     {@code /}, every path under it ({@code /biz-ids/} serves {@code /biz-ids/p-1})
 * @param methods the HTTP methods it answers; others get 405 with {@code Allow}
 * @param handler the handler; it may throw {@link RequestRefusedException} for a 4xx answer
 */
public record OpsRoute(String path, Set<String> methods, HttpHandler handler) {

    public OpsRoute {
        if (!path.startsWith("/") || path.contains("//")) {
            throw new IllegalArgumentException("route path " + RequestRefusedException.shown(path)
                    + " must start with '/' and have no empty segment");
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("route " + path + " needs at least one method");
        }
        methods = Set.copyOf(methods);
    }

    /** A route answering GET (and HEAD, which the server answers as GET without the body). */
    public static OpsRoute get(String path, HttpHandler handler) {
        return new OpsRoute(path, Set.of("GET", "HEAD"), handler);
    }

    /** A route answering POST. */
    public static OpsRoute post(String path, HttpHandler handler) {
        return new OpsRoute(path, Set.of("POST"), handler);
    }

    /** Whether this route serves {@code rawPath}. */
    boolean serves(String rawPath) {
        return path.endsWith("/") ? rawPath.startsWith(path) : rawPath.equals(path);
    }

    /** The methods, as the {@code Allow} header lists them. */
    String allow() {
        return String.join(", ", new TreeSet<>(methods));
    }
}
